# Where the shop app sends its statements. Edit this file, save it, and run the app again
# (key a in sqlcourse, or `. .venv/bin/activate`, then `python3 app.py`, in this folder).
#
# A URL reads: dialect+driver :// user : password @ host : port / database
# The lab's servers listen on this machine: the master on port {{master.port}},
# the slave on port {{slave.port}}.

# INSERT, UPDATE, DELETE: the server that accepts writes.
WRITER_URL = "mysql+pymysql://app:shop-app-pw@127.0.0.1:{{master.port}}/shop"

# SELECT: as shipped, reads go to the master as well.
READER_URL = "mysql+pymysql://app:shop-app-pw@127.0.0.1:{{master.port}}/shop"
