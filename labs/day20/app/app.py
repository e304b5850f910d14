"""The shop's customer tool: adds a few customers, lists the newest, looks one up.

Writes go through the `writer` engine and reads through the `reader` engine.
Which server each engine talks to is set in settings.py.
"""

import secrets
import sys
from pathlib import Path

try:
    from sqlalchemy import create_engine, make_url, text
    from sqlalchemy.exc import DBAPIError
    import pymysql  # noqa: F401  (the driver the URLs name: mysql+pymysql)
except ImportError as missing:
    here = Path(__file__).resolve().parent
    print(f"This app needs SQLAlchemy and PyMySQL, and {missing.name} is not installed here.",
          file=sys.stderr)
    print("sqlcourse prepares them in a virtual environment, " + str(here / ".venv") + ", when you"
          " press a (or run `sqlcourse day20 solve`). To run the app by hand, activate it first:",
          file=sys.stderr)
    print("", file=sys.stderr)
    print("    . .venv/bin/activate", file=sys.stderr)
    print("", file=sys.stderr)
    sys.exit(2)

from settings import READER_URL, WRITER_URL

# One engine (a pool of connections) per server. pool_pre_ping checks a pooled connection
# before use, so a restarted server does not break the app.
writer = create_engine(WRITER_URL, pool_pre_ping=True, connect_args={"connect_timeout": 5})
reader = create_engine(READER_URL, pool_pre_ping=True, connect_args={"connect_timeout": 5})

NEW_CUSTOMERS = ["Ada Lovelace", "Alan Turing", "Grace Hopper"]


def add_customer(name, email):
    # begin() opens a transaction that commits when the block ends.
    with writer.begin() as conn:
        conn.execute(
            text("INSERT INTO customers (name, email) VALUES (:name, :email)"),
            {"name": name, "email": email},
        )


def newest_customers(limit):
    with reader.connect() as conn:
        return conn.execute(
            text("SELECT id, name, email FROM customers ORDER BY id DESC LIMIT :limit"),
            {"limit": limit},
        ).all()


def find_customer(email):
    with reader.connect() as conn:
        return conn.execute(
            text("SELECT id, name, email, created_at FROM customers WHERE email = :email"),
            {"email": email},
        ).first()


def count_customers():
    with reader.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM customers")).scalar_one()


def address(url):
    url = make_url(url)
    return f"{url.host}:{url.port}"


def run():
    run_id = secrets.token_hex(3)
    print(f"Writer: {address(WRITER_URL)}    Reader: {address(READER_URL)}")
    print()

    print(f"Adding {len(NEW_CUSTOMERS)} customers through the writer:")
    emails = []
    for name in NEW_CUSTOMERS:
        email = f"{name.split()[0].lower()}.{run_id}@example.com"
        add_customer(name, email)
        emails.append(email)
        print(f"  added   {name} <{email}>")
    print()

    print("Newest customers, through the reader:")
    for row in newest_customers(5):
        print(f"  #{row.id:<5} {row.name:<16} {row.email}")
    print()

    print(f"Looking up {emails[0]} through the reader:")
    found = find_customer(emails[0])
    if found:
        print(f"  found   #{found.id} {found.name}, added {found.created_at}")
    else:
        print("  not there yet: the reader has not caught up with the writer."
              " Replication is asynchronous.")
    print()

    print(f"The reader knows {count_customers()} customers in all.")


def explain(err):
    """One or two lines on what went wrong, from the server's error number."""
    code = err.orig.args[0] if err.orig is not None and err.orig.args else None
    message = err.orig.args[1] if err.orig is not None and len(err.orig.args) > 1 else str(err)
    print(f"Error {code}: {message}", file=sys.stderr)
    if code == 1290:
        print("The server refused a write because it is read-only: is WRITER_URL pointing at the"
              " slave? Writes belong on the master (settings.py).", file=sys.stderr)
    elif code in (2003, 2013):
        print("Is the lab running, and are the ports in settings.py right?"
              " `sqlcourse day20 status` shows them.", file=sys.stderr)
    elif code == 1045:
        print("The app's account was refused: check the user and password in settings.py.",
              file=sys.stderr)


def main():
    try:
        run()
    except DBAPIError as err:
        print(file=sys.stderr)
        explain(err)
        return 1
    finally:
        writer.dispose()
        reader.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
