# mininet-scripts: nothing is built here yet; later issues fill this folder.
