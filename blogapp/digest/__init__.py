"""The daily email digest: what is new, built per subscriber, sent in resumable batches."""
