"""Taking the blog out again: Blogger's Atom, WordPress's WXR and a lossless JSON file."""
