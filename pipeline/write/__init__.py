"""Write: table rows, the analysts' review merge, the HTML report, and the files on disk."""
