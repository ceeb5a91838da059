# include/sluice: nothing is built here yet; later issues fill this folder.
