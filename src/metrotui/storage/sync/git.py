"""The git command line, run so that it never prompts and never hangs.

metrotui stores no credentials: git runs as the user would run it, with their
ssh keys, credential helpers and config.  What changes is that nothing may ask
a question (there may be no terminal, and the app's screen is not one), and
every command has a time limit after which it is stopped and reported.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

# Long enough for a clone over a slow link; a hung connection ends here.
NETWORK_TIMEOUT_S = 120.0
LOCAL_TIMEOUT_S = 30.0
# Commits made by sync never run the user's hooks or ask for a signing passphrase.
_QUIET_CONFIG = ("-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null")


class GitError(Exception):
    """A git command that failed; the message says which and what git said."""


class GitMissing(GitError):
    """No git on PATH."""


class GitTimeout(GitError):
    """A git command stopped after its time limit."""


def git_program() -> str:
    found = shutil.which("git")
    if found is None:
        raise GitMissing(
            "git is not installed or not on PATH; metrotui sync needs it for a git remote "
            "(a plain shared folder works without it)"
        )
    return found


def quiet_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment git runs in: the user's, with every way of asking turned off."""
    env = dict(os.environ if base is None else base)
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["GIT_ASKPASS"] = ""
    env["SSH_ASKPASS"] = ""
    env["GCM_INTERACTIVE"] = "never"  # Git Credential Manager's own prompt
    env["GIT_EDITOR"] = ":"
    env["GIT_MERGE_AUTOEDIT"] = "no"
    # The user's own ssh command (or core.sshCommand, which this would
    # override) is theirs to keep; otherwise ssh may not ask either.
    if "GIT_SSH_COMMAND" not in env and "GIT_SSH" not in env and not _has_ssh_config(env):
        env["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
    return env


def _has_ssh_config(env: dict[str, str]) -> bool:
    try:
        found = subprocess.run(
            [git_program(), "config", "--get", "core.sshCommand"],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=LOCAL_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return found.returncode == 0 and bool(found.stdout.strip())


class Git:
    """git in one working folder, with one environment for every command."""

    def __init__(self, cwd: Path, env: dict[str, str] | None = None) -> None:
        self.program = git_program()
        self.cwd = cwd
        self.env = env if env is not None else quiet_env()

    def run(
        self,
        args: Sequence[str],
        *,
        timeout: float = LOCAL_TIMEOUT_S,
        check: bool = True,
        cwd: Path | None = None,
    ) -> subprocess.CompletedProcess[str]:
        command = [self.program, *_QUIET_CONFIG, *args]
        name = next((arg for arg in args if not arg.startswith("-") and "=" not in arg), "")
        try:
            done = subprocess.run(
                command,
                cwd=cwd or self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise GitTimeout(
                f"git {name} gave no answer in {timeout:.0f} s and was stopped; "
                "check the network and the remote, then sync again"
            ) from None
        except OSError as error:
            raise GitError(f"cannot run git ({error.strerror or error})") from None
        if check and done.returncode != 0:
            raise GitError(f"git {name} failed: {last_words(done.stderr)}")
        return done

    def ok(self, args: Sequence[str], *, timeout: float = LOCAL_TIMEOUT_S) -> bool:
        return self.run(args, timeout=timeout, check=False).returncode == 0

    def out(self, args: Sequence[str], *, timeout: float = LOCAL_TIMEOUT_S) -> str:
        return self.run(args, timeout=timeout).stdout.strip()


def last_words(stderr: str) -> str:
    """The line of git's complaint that says the most (its last fatal or error line)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        if line.startswith(("fatal:", "error:")):
            return line
    return lines[-1] if lines else "no message"
