"""A stand-in for the `gh` command: the subcommands the follow-up script uses, with gh's
flags (an unknown flag fails, as it does in gh), keeping the repository's issues in a JSON
file (`$FAKE_GH_STATE`) and logging every call.

Put first on PATH as `gh` by tests/test_follow_up_workflow.py. Like gh in Actions it needs
`GH_TOKEN` and `GH_REPO` in the environment. Handles listed in the state's `unassignable`
fail to be assigned, as a user who is no collaborator does.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

FIELDS = {"number", "state", "title", "body", "assignees", "labels", "url", "comments"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"fake gh: {message}", file=sys.stderr)
        raise SystemExit(1)


def _load(path: Path) -> dict[str, Any]:
    if path.exists():
        data: dict[str, Any] = json.loads(path.read_text("utf-8"))
        return data
    return {"next": 1, "issues": [], "labels": {}, "calls": [], "unassignable": []}


def _issue(state: dict[str, Any], number: str) -> dict[str, Any]:
    for issue in state["issues"]:
        if str(issue["number"]) == number:
            return issue  # type: ignore[no-any-return]
    _fail(f"GraphQL: Could not resolve to an issue or pull request with the number of {number}.")


def _fail(message: str) -> NoReturn:
    print(message, file=sys.stderr)
    raise SystemExit(1)


def _body(args: argparse.Namespace) -> str | None:
    if args.body is not None and args.body_file is not None:
        _fail("specify only one of `--body` or `--body-file`")
    if args.body_file == "-":
        return sys.stdin.read()
    if args.body_file is not None:
        return Path(args.body_file).read_text("utf-8")
    return args.body  # type: ignore[no-any-return]


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


def _url(state: dict[str, Any], number: int) -> str:
    return f"https://github.com/{state['repo']}/issues/{number}"


def _assign(state: dict[str, Any], issue: dict[str, Any], handles: list[str]) -> None:
    for handle in handles:
        if handle in state["unassignable"] or "/" in handle:
            _fail(f"failed to update {_url(state, issue['number'])}: '{handle}' not found")
        if handle not in issue["assignees"]:
            issue["assignees"].append(handle)


def main(argv: list[str]) -> int:
    if not os.environ.get("GH_TOKEN"):
        _fail("gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN variable.")
    repo = os.environ.get("GH_REPO", "")
    if repo.count("/") != 1:
        _fail("fake gh: expected GH_REPO=owner/name, as the workflow sets it")
    path = Path(os.environ["FAKE_GH_STATE"])
    state = _load(path)
    state["repo"] = repo
    state["calls"].append(argv)

    parser = _Parser(prog="gh")
    top = parser.add_subparsers(dest="group", required=True)
    issue = top.add_parser("issue").add_subparsers(dest="command", required=True)
    label = top.add_parser("label").add_subparsers(dest="command", required=True)

    listing = issue.add_parser("list")
    listing.add_argument("-s", "--state", choices=["open", "closed", "all"], default="open")
    listing.add_argument("-l", "--label", action="append")
    listing.add_argument("-L", "--limit", type=int, default=30)
    listing.add_argument("--json", dest="fields")

    create = issue.add_parser("create")
    create.add_argument("-t", "--title", required=True)
    create.add_argument("-b", "--body")
    create.add_argument("-F", "--body-file")
    create.add_argument("-l", "--label", action="append")
    create.add_argument("-a", "--assignee", action="append")

    edit = issue.add_parser("edit")
    edit.add_argument("number")
    edit.add_argument("-t", "--title")
    edit.add_argument("-b", "--body")
    edit.add_argument("-F", "--body-file")
    edit.add_argument("--add-assignee", action="append")
    edit.add_argument("--remove-assignee", action="append")
    edit.add_argument("--add-label", action="append")

    close = issue.add_parser("close")
    close.add_argument("number")
    close.add_argument("-c", "--comment")
    close.add_argument("-r", "--reason", choices=["completed", "not planned"])

    reopen = issue.add_parser("reopen")
    reopen.add_argument("number")
    reopen.add_argument("-c", "--comment")

    comment = issue.add_parser("comment")
    comment.add_argument("number")
    comment.add_argument("-b", "--body")
    comment.add_argument("-F", "--body-file")

    new_label = label.add_parser("create")
    new_label.add_argument("name")
    new_label.add_argument("-c", "--color")
    new_label.add_argument("-d", "--description")
    new_label.add_argument("-f", "--force", action="store_true")

    args = parser.parse_args(argv)
    command = (args.group, args.command)
    if command == ("issue", "list"):
        fields = (args.fields or "").split(",")
        if not args.fields or not set(fields) <= FIELDS:
            _fail(f"Unknown JSON field: {sorted(set(fields) - FIELDS)}")
        found = [
            i
            for i in sorted(state["issues"], key=lambda i: -int(i["number"]))
            if args.state in ("all", i["state"].lower())
            and all(name in i["labels"] for name in args.label or [])
        ][: args.limit]
        out = []
        for i in found:
            shown = {
                **i,
                "url": _url(state, i["number"]),
                "assignees": [{"login": a} for a in i["assignees"]],
                "labels": [{"name": n} for n in i["labels"]],
                "comments": [{"body": c} for c in i["comments"]],
            }
            out.append({name: shown[name] for name in fields})
        print(json.dumps(out))
    elif command == ("issue", "create"):
        body = _body(args)
        if body is None:
            _fail("fake gh: a body is required when not running interactively")
        for name in _split(args.label):
            if name not in state["labels"]:
                _fail(f"could not add label: '{name}' not found")
        number = state["next"]
        state["next"] += 1
        new = {
            "number": number,
            "state": "OPEN",
            "title": args.title,
            "body": body,
            "labels": _split(args.label),
            "assignees": [],
            "comments": [],
            "state_reason": None,
        }
        _assign(state, new, _split(args.assignee))
        state["issues"].append(new)
        print(_url(state, number))
    elif command == ("issue", "edit"):
        target = _issue(state, args.number)
        body = _body(args)
        if args.title is not None:
            target["title"] = args.title
        if body is not None:
            target["body"] = body
        _assign(state, target, _split(args.add_assignee))
        for handle in _split(args.remove_assignee):
            if handle in target["assignees"]:
                target["assignees"].remove(handle)
        print(_url(state, target["number"]))
    elif command == ("issue", "close"):
        target = _issue(state, args.number)
        if target["state"] == "CLOSED":
            print(f"! Issue #{args.number} ({target['title']}) is already closed", file=sys.stderr)
        else:
            if args.comment:
                target["comments"].append(args.comment)
            target["state"] = "CLOSED"
            target["state_reason"] = args.reason or "completed"
    elif command == ("issue", "reopen"):
        target = _issue(state, args.number)
        if target["state"] == "OPEN":
            print(f"! Issue #{args.number} ({target['title']}) is already open", file=sys.stderr)
        else:
            if args.comment:
                target["comments"].append(args.comment)
            target["state"] = "OPEN"
            target["state_reason"] = "reopened"
    elif command == ("issue", "comment"):
        target = _issue(state, args.number)
        body = _body(args)
        if not body:
            _fail("fake gh: a comment body is required")
        target["comments"].append(body)
        print(f"{_url(state, target['number'])}#issuecomment-{len(target['comments'])}")
    elif command == ("label", "create"):
        if args.name in state["labels"] and not args.force:
            _fail(f'label with name "{args.name}" already exists; use `--force` to update')
        state["labels"][args.name] = {"color": args.color, "description": args.description}
    else:  # pragma: no cover - argparse refuses anything else
        _fail(f"fake gh: unsupported: {argv}")
    path.write_text(json.dumps(state, indent=1, ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
