from credit_cli.main import app

app(prog_name="credit")
