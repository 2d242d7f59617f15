"""The architecture the README promises, checked: who may do what is decided by the permissions
table and each record's scope rule, never by a role name typed into a rule."""
import ast
import pathlib

import pytest

from portal.models.users import ROLES

PORTAL = pathlib.Path(__file__).resolve().parent.parent / "portal"
# Where role names belong: the table of permissions, the list of roles, the manifests that declare
# their permissions, the demo accounts, and the frozen migrations.
ALLOWED = {"permissions.py", "models/users.py"}


def rule_files():
    for path in sorted(PORTAL.rglob("*.py")):
        rel = path.relative_to(PORTAL).as_posix()
        if rel in ALLOWED or rel.startswith("migrations/") or path.name in ("__init__.py", "demo.py"):
            continue
        yield rel, path


def _constants(node):
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _is_role(node):
    return isinstance(node, ast.Attribute) and node.attr == "role"


def role_decisions(tree):
    """Role names used to decide: `x.role == "office"`, `x.role in (...)`, `User.role.in_([...])`,
    and sets of role names (`frozenset({"office", "leader"})`). Unit kinds or visit methods that
    happen to be spelt like a role ("office") are not decisions about people."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_is_role(o) for o in operands):
                found += [(node.lineno, c) for o in operands if not _is_role(o) for c in _constants(o) if c in ROLES]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _is_role(node.func.value)
              and node.func.attr in ("in_", "not_in")):
            found += [(node.lineno, c) for a in node.args for c in _constants(a) if c in ROLES]
        elif isinstance(node, ast.Set) and node.elts:
            values = _constants(node)
            if values and all(v in ROLES for v in values):
                found += [(node.lineno, v) for v in values]
    return found


@pytest.mark.parametrize("rel,path", list(rule_files()), ids=[rel for rel, _ in rule_files()])
def test_no_role_name_in_rules(rel, path):
    """A role name in a service, model or view would be a second, hidden permissions table."""
    found = role_decisions(ast.parse(path.read_text(encoding="utf-8")))
    assert found == [], f"{rel} decides by role name; ask access.can(permission) or the record's scope rule"


def test_the_check_sees_role_decisions():
    tree = ast.parse("ok = user.role in ('office', 'leader') or User.role.in_(['inspector'])\n"
                     "BOSSES = frozenset({'unit_head'})\nkind = unit.kind == 'office'\n")
    assert sorted(v for _, v in role_decisions(tree)) == ["inspector", "leader", "office", "unit_head"]
