"""Moving a blog here from Blogger: reading its export, writing it, answering its old URLs."""
