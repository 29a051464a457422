"""A bare Flask "hello world": bench/serving.py serves it with the same gunicorn settings as Engage,
so every page's requests per second read as a share of what this machine gives any Flask app."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "Hello, World!"
