"""Read: find input files, decode them, clean the text and metadata into Articles."""
