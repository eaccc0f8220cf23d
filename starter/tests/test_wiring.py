import ast
from pathlib import Path


def test_accounts_imports_nothing_from_audit():
    # The point of the signal: accounts works, and is tested, without audit.
    accounts = Path(__file__).resolve().parent.parent / "accounts"
    for module in accounts.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name.split(".")[0] == "audit" for name in names), module
