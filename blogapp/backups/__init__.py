"""Backups that restore: a consistent copy of the database and the uploaded images, made
while the blog serves, one file per backup; and the restore that puts one back."""
