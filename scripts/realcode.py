#!/usr/bin/env python3
"""Runs iodrain over the real-code benchmark set (bench/realcode/corpus.yaml).

The set names public C and C++ files that use Windows overlapped I/O, by
repository, commit and path; their code is never copied into this project.
The repositories must already be on this machine as bare git directories
(snapshots or `git clone --bare` of the same commits), one per repository,
under a mirrors directory whose subdirectories are named `owner+name`:

  MIRRORS/libuv+libuv/<anything>/HEAD, objects/, ...   (a bare git dir)

Each repository is extracted once at its commit into the work directory
(default build/realcode/owner+name/<commit>/) and every file is analysed as

  iodrain-tidy --checks=-*,iodrain-* --quiet --vfsoverlay=ROOT.vfs.yaml \
               --header-filter=^ROOT/ --config=CONFIG FILE -- FLAGS \
               --target=x86_64-w64-mingw32 --sysroot=/usr

so that warnings in the repository's own headers count too (each printed
once). The default CONFIG turns on ReportSkippedFunctions for every enabled
iodrain check, so skipped functions show as `remark:` lines; --config
replaces it.

ROOT.vfs.yaml, written next to the extracted tree, is a clang VFS overlay
that makes #include lookups case-insensitive, as they are on Windows: in
the mingw-w64 headers (`<Windows.h>` finds windows.h) and among the
repository's own C and C++ files. A repository file whose name differs
only in case from another file of the repository or from a mingw-w64
header is left out of it, so that it can never hide that one. clang
(--syntax-only) gets it as -ivfsoverlay ROOT.vfs.yaml.

  scripts/realcode.py [--mirrors DIR] [--work DIR] [--tidy PATH]
                      [--checks FILTER] [--config TEXT] [--only SUBSTRING]
                      [--jobs N] [--snippets] [--syntax-only [CLANG]]
                      [--two-phase]

--two-phase first lets every file of a repository write its summaries
(under WORK/summaries/owner+name), then analyses each file with those of
its repository, as iodrain-lint --two-phase does for a project.

--mirrors defaults to $IODRAIN_MIRRORS. Without mirrors the script says so
and exits 0: this is a benchmark, not a test. It exits 1 when a file fails
to compile (such a file gets no findings, so the run would be misleading)
or a repository has no mirror. --syntax-only only checks, with
clang-19 -fsyntax-only, that every file compiles (no iodrain build needed).
scripts/benchmark.py --real-code reuses this module.

The corpus is a small YAML subset, read by `load_corpus` below: a list of
repositories, each with `repo:`, `commit:`, optional `what:` and `flags:`
(flags shared by every file of the repository) and `files:`, each file with
`path:`, `lang:` (c or c++) and optional `flags:`. A flags value is a flow
list `[a, b]` of words without commas (a word wholly in quotes loses them;
quotes inside a word, as in -DNAME="value", stay); the placeholder `{repo}`
stands for the extracted repository's root. `#` starts a comment.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "bench", "realcode", "corpus.yaml")
TARGET_FLAGS = ["--target=x86_64-w64-mingw32", "--sysroot=/usr"]
SYSTEM_INCLUDE = "/usr/x86_64-w64-mingw32/include"   # the mingw-w64 headers of that sysroot
SOURCE_SUFFIXES = (".h", ".hh", ".hpp", ".hxx", ".h++", ".inl", ".inc", ".ipp", ".tcc", ".def",
                   ".c", ".cc", ".cpp", ".cxx")
LANG_FLAGS = {"c": ["-x", "c"], "c++": ["-x", "c++"]}


# --- The corpus -------------------------------------------------------------

class CorpusError(Exception):
    pass


def _scalar(text, where):
    text = text.strip()
    if text.startswith("[") or text.startswith("{"):
        raise CorpusError("%s: a list where a scalar is expected" % where)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return text


def _flow_list(text, where):
    text = text.strip()
    if not (text.startswith("[") and text.endswith("]")):
        raise CorpusError("%s: flags must be a flow list [a, b]" % where)
    inner = text[1:-1].strip()
    return [_scalar(item, where) for item in inner.split(",")] if inner else []


def load_corpus(path=CORPUS):
    """Returns a list of repositories: dicts with repo, commit, what, flags
    and files (dicts with path, lang, flags), from the YAML subset described
    in the module docstring."""
    repos = []
    repo = None
    entry = None
    in_files = False
    item = re.compile(r"^(\s*)(- )?([A-Za-z_]+):\s*(.*?)\s*$")
    with open(path) as stream:
        for number, raw in enumerate(stream, 1):
            line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
            if not line.strip():
                continue
            where = "%s:%d" % (os.path.basename(path), number)
            match = item.match(line)
            if not match:
                raise CorpusError("%s: cannot read %r" % (where, line))
            indent, dash, key, value = len(match.group(1)), match.group(2), match.group(3), match.group(4)
            if indent == 0 and dash and key == "repo":
                repo = {"repo": _scalar(value, where), "commit": None, "what": "",
                        "flags": [], "files": []}
                repos.append(repo)
                in_files = False
                entry = None
            elif repo is None:
                raise CorpusError("%s: expected '- repo:' first" % where)
            elif indent == 2 and not dash and key in ("commit", "what"):
                repo[key] = _scalar(value, where)
            elif indent == 2 and not dash and key == "flags":
                repo["flags"] = _flow_list(value, where)
            elif indent == 2 and not dash and key == "files":
                if value:
                    raise CorpusError("%s: files: takes a block list" % where)
                in_files = True
            elif in_files and indent == 4 and dash and key == "path":
                entry = {"path": _scalar(value, where), "lang": None, "flags": []}
                repo["files"].append(entry)
            elif in_files and entry is not None and indent == 6 and not dash and key == "lang":
                entry["lang"] = _scalar(value, where)
            elif in_files and entry is not None and indent == 6 and not dash and key == "flags":
                entry["flags"] = _flow_list(value, where)
            else:
                raise CorpusError("%s: unexpected %r" % (where, line.strip()))
    for repo in repos:
        if not re.fullmatch(r"[0-9a-f]{40}", repo["commit"] or ""):
            raise CorpusError("%s: commit must be 40 hex digits" % repo["repo"])
        for entry in repo["files"]:
            if entry["lang"] not in LANG_FLAGS:
                raise CorpusError("%s:%s: lang must be c or c++" % (repo["repo"], entry["path"]))
    return repos


def corpus_files(repos, only=None):
    """(repo, file) pairs, filtered by a substring of 'owner/name/path'."""
    for repo in repos:
        for entry in repo["files"]:
            if only and only not in "%s/%s" % (repo["repo"], entry["path"]):
                continue
            yield repo, entry


# --- Mirrors and extraction -------------------------------------------------

def mirrors_dir(option):
    """The mirrors directory from --mirrors or $IODRAIN_MIRRORS, or None."""
    path = option or os.environ.get("IODRAIN_MIRRORS")
    return path if path and os.path.isdir(path) else None


def find_git_dir(mirrors, repo):
    """The bare git directory of owner/name below MIRRORS/owner+name/, found
    by looking for a directory with HEAD and objects/ (the top itself or any
    level below), or None."""
    top = os.path.join(mirrors, repo.replace("/", "+"))
    if not os.path.isdir(top):
        return None
    for dirpath, dirnames, filenames in os.walk(top):
        if "HEAD" in filenames and "objects" in dirnames:
            return dirpath
        dirnames[:] = sorted(d for d in dirnames if d != "objects")
    return None


def _git(git_dir, *args, **kwargs):
    return subprocess.run(["git", "--git-dir=" + git_dir] + list(args),
                          check=True, **kwargs)


def extract(git_dir, commit, dest):
    """Extracts COMMIT of GIT_DIR into DEST once (a marker file records a
    finished extraction). `git archive` first; snapshots may lack large
    blobs, which makes it fail, so the fallback writes every blob that is
    present and skips the missing ones. Returns the number of skipped
    blobs (0 when `git archive` worked or the tree was already there)."""
    marker = os.path.join(dest, ".iodrain-extracted")
    if os.path.exists(marker):
        return 0
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    parent = os.path.dirname(dest)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(dir=parent, prefix=".extract-")
    skipped = 0
    try:
        if not _extract_archive(git_dir, commit, staging):
            shutil.rmtree(staging)
            os.makedirs(staging)
            skipped = _extract_present_blobs(git_dir, commit, staging)
        with open(os.path.join(staging, ".iodrain-extracted"), "w") as out:
            out.write("%s\n" % commit)
        os.rename(staging, dest)
    finally:
        if os.path.isdir(staging):
            shutil.rmtree(staging, ignore_errors=True)
    return skipped


def _extract_archive(git_dir, commit, dest):
    """`git archive COMMIT | tar -x` in Python; False if git fails."""
    archive = subprocess.Popen(["git", "--git-dir=" + git_dir, "archive", "--format=tar", commit],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    ok = True
    try:
        with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
            if hasattr(tarfile, "tar_filter"):
                tar.extractall(dest, filter="tar")
            else:
                tar.extractall(dest)
    except (tarfile.TarError, OSError):
        ok = False   # e.g. a link the filter refuses: use the blob-by-blob path
    archive.stdout.close()
    return archive.wait() == 0 and ok


def _extract_present_blobs(git_dir, commit, dest):
    listing = _git(git_dir, "ls-tree", "-r", "-z", commit, stdout=subprocess.PIPE).stdout
    entries = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, path = record.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind == b"blob":
            entries.append((mode, sha.decode(), os.fsdecode(path)))
    batch = subprocess.Popen(["git", "--git-dir=" + git_dir, "cat-file", "--batch"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    skipped = 0
    for mode, sha, path in entries:
        batch.stdin.write(sha.encode() + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if len(header) < 3:   # "<sha> missing"
            skipped += 1
            continue
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)
        target = os.path.join(dest, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if mode == b"120000":
            try:
                os.symlink(os.fsdecode(data), target)
            except OSError:
                pass
            continue
        with open(target, "wb") as out:
            out.write(data)
        if mode == b"100755":
            os.chmod(target, 0o755)
    batch.stdin.close()
    batch.wait()
    return skipped


def overlay_path(root):
    return root + ".vfs.yaml"


def _overlay_tree(top, keep):
    """The overlay entries of the files below TOP for which KEEP(path)
    holds, nested by directory; empty directories are left out."""
    contents = []
    for name in sorted(os.listdir(top)):
        path = os.path.join(top, name)
        if os.path.isdir(path) and not os.path.islink(path):
            below = _overlay_tree(path, keep)
            if below:
                contents.append({"type": "directory", "name": name, "contents": below})
        elif os.path.isfile(path) and keep(path):
            contents.append({"type": "file", "name": name, "external-contents": path})
    return contents


def write_overlay(root):
    """Writes overlay_path(ROOT), the VFS overlay described in the module
    docstring. 'fallback' makes clang try the real path first, so a name
    spelled as on disk always finds that file."""
    spellings = collections.defaultdict(set)
    for top in (SYSTEM_INCLUDE, root):
        for _, _, names in os.walk(top):
            for name in names:
                spellings[name.lower()].add(name)
    unique = lambda path: len(spellings[os.path.basename(path).lower()]) == 1
    roots = [{"type": "directory", "name": top, "contents": _overlay_tree(top, keep)}
             for top, keep in ((SYSTEM_INCLUDE, lambda path: True),
                               (root, lambda path: path.lower().endswith(SOURCE_SUFFIXES)
                                and unique(path)))
             if os.path.isdir(top)]
    with open(overlay_path(root), "w") as out:
        json.dump({"version": 0, "case-sensitive": False, "redirecting-with": "fallback",
                   "roots": roots}, out)


def prepare(repos, mirrors, work, log=print):
    """Extracts every repository of REPOS that has a mirror; returns
    {owner/name: extracted root} and logs the ones without a mirror."""
    roots = {}
    for repo in repos:
        git_dir = find_git_dir(mirrors, repo["repo"])
        if git_dir is None:
            log("error: %s: no mirror under %s" % (repo["repo"], mirrors))
            continue
        dest = os.path.join(work, repo["repo"].replace("/", "+"), repo["commit"])
        try:
            skipped = extract(git_dir, repo["commit"], dest)
        except subprocess.CalledProcessError as error:
            log("error: %s: cannot extract %s: %s" % (repo["repo"], repo["commit"][:12], error))
            continue
        if skipped:
            log("note: %s: %d blobs absent from the snapshot were skipped" % (repo["repo"], skipped))
        write_overlay(dest)
        roots[repo["repo"]] = dest
    return roots


def compile_flags(repo, entry, root):
    """The compiler flags for one corpus file (without the file itself)."""
    flags = [flag.replace("{repo}", root) for flag in repo["flags"] + entry["flags"]]
    return LANG_FLAGS[entry["lang"]] + flags + TARGET_FLAGS


# --- Running iodrain --------------------------------------------------------

DIAGNOSTIC = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): "
                        r"(?P<kind>warning|error|note|remark|fatal error): (?P<text>.*)$")
CHECK = re.compile(r" \[(?P<check>[A-Za-z0-9_.,=-]+)\]$")


def source_path(entry, root):
    return os.path.join(root, entry["path"])


def syntax_command(clang, repo, entry, root):
    """The baseline: clang -fsyntax-only with the file's flags."""
    return ([clang, "-fsyntax-only"] + compile_flags(repo, entry, root)
            + ["-ivfsoverlay", overlay_path(root), source_path(entry, root)])


def tidy_command(tidy, checks, repo, entry, root, config=None, header_filter=True):
    """iodrain-tidy on one file; warnings in the repository's own headers
    are shown too (system headers never are). The overlay goes to
    --vfsoverlay: clang-tidy ignores -ivfsoverlay among the compile flags."""
    command = [tidy, "--checks=" + checks, "--quiet", "--vfsoverlay=" + overlay_path(root)]
    if header_filter:
        command.append("--header-filter=^" + re.escape(root + os.sep))
    if config:
        command.append("--config=" + config)
    return command + [source_path(entry, root), "--"] + compile_flags(repo, entry, root)


def remarks_config(tidy, checks):
    """A --config that turns on ReportSkippedFunctions for every enabled
    iodrain check, so that skipped functions show up as remarks."""
    listed = subprocess.run([tidy, "--checks=" + checks, "--list-checks"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            universal_newlines=True).stdout
    names = [line.strip() for line in listed.splitlines() if line.strip().startswith("iodrain-")]
    options = ", ".join("%s.ReportSkippedFunctions: true" % name for name in names)
    if not names:   # still a --config, so that no .clang-tidy in the extracted trees applies
        return "{Checks: '%s'}" % checks
    return "{Checks: '%s', CheckOptions: {%s}}" % (checks, options)


def run(command, env=None):
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, errors="replace", env=env)
    return result.returncode, result.stdout + "\n" + result.stderr


def relative(path, root, name):
    path = os.path.normpath(path)
    if path.startswith(root + os.sep):
        return "%s/%s" % (name, os.path.relpath(path, root))
    return path


def parse_output(text, root, name):
    """Diagnostics of a clang or clang-tidy run: dicts with loc, kind, text,
    check and snippet (the source lines shown under it); paths made
    relative to the repository and prefixed with its name."""
    diags = []
    for line in text.splitlines():
        match = DIAGNOSTIC.match(line)
        if match:
            body = match.group("text")
            check = CHECK.search(body)
            diags.append({"loc": "%s:%s:%s" % (relative(match.group("file"), root, name),
                                               match.group("line"), match.group("col")),
                          "kind": match.group("kind"),
                          "text": body[:check.start()] if check else body,
                          "check": check.group("check") if check else None,
                          "snippet": []})
        elif diags and line.strip() and not re.match(r"^\d+ (warning|error)s? generated\.$", line) \
                and not line.startswith(("Suppressed ", "Use -header-filter", "Error while processing",
                                         "Found compiler error")):
            diags[-1]["snippet"].append(line)
    return diags


def group(diags):
    """Groups diagnostics into a leading warning/error/remark and its notes."""
    groups = []
    for diag in diags:
        if diag["kind"] == "note" and groups:
            groups[-1].append(diag)
        else:
            groups.append([diag])
    return groups


def export_summaries(args, wanted, roots, config):
    """The first phase: every file writes its summaries into its
    repository's directory. Returns the second phase's environment for a
    repository."""
    base = os.path.join(os.path.abspath(args.work), "summaries")
    directory = lambda repo: os.path.join(base, repo["repo"].replace("/", "+"))
    shutil.rmtree(base, ignore_errors=True)

    def env(repo, options):
        return dict(os.environ, IODRAIN_OPTIONS="{%s}" % options % directory(repo))

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        jobs = [pool.submit(run, tidy_command(args.tidy, args.checks, repo, entry,
                                              roots[repo["repo"]], config),
                            env(repo, "ExportSummaries: '%s', ExportOnly: true"))
                for repo, entry in wanted if repo["repo"] in roots]
        for job in jobs:
            job.result()
    written = [os.path.join(d, f) for d, _, fs in os.walk(base) for f in fs]
    protocols = sum(open(f).read().count("Issuer:") for f in written)
    print("two phases: summaries of %d file(s), %d protocol(s)" % (len(written), protocols))
    return lambda repo: env(repo, "ImportSummaries: '%s'")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", help="directory of owner+name bare git mirrors "
                        "(default: $IODRAIN_MIRRORS)")
    parser.add_argument("--work", default=os.path.join(ROOT, "build", "realcode"),
                        help="where repositories are extracted (default: build/realcode)")
    parser.add_argument("--corpus", default=CORPUS)
    parser.add_argument("--tidy", default=os.path.join(ROOT, "build", "bin", "iodrain-tidy"))
    parser.add_argument("--checks", default="-*,iodrain-*")
    parser.add_argument("--config", help="passed as --config=TEXT (replaces the default, "
                        "which only turns on ReportSkippedFunctions)")
    parser.add_argument("--only", help="only files whose owner/name/path contains this")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--snippets", action="store_true",
                        help="also print the source lines under each diagnostic")
    parser.add_argument("--two-phase", action="store_true",
                        help="export each repository's summaries first, then "
                        "analyse every file with them")
    parser.add_argument("--syntax-only", metavar="CLANG", nargs="?", const="clang-19",
                        help="only check that every file compiles, with CLANG "
                        "(default clang-19); needs no iodrain build")
    args = parser.parse_args()

    mirrors = mirrors_dir(args.mirrors)
    if mirrors is None:
        print("realcode: no mirrors (give --mirrors DIR or set IODRAIN_MIRRORS); nothing done")
        return 0
    if not args.syntax_only and not os.access(args.tidy, os.X_OK):
        print("realcode: %s is not built" % args.tidy)
        return 1
    repos = load_corpus(args.corpus)
    wanted = list(corpus_files(repos, args.only))
    roots = prepare([r for r in repos if any(r is w[0] for w in wanted)], mirrors,
                    os.path.abspath(args.work))
    config = args.config
    if config is None and not args.syntax_only:
        config = remarks_config(args.tidy, args.checks)

    def command_for(repo, entry, root):
        if args.syntax_only:
            return syntax_command(args.syntax_only, repo, entry, root)
        return tidy_command(args.tidy, args.checks, repo, entry, root, config)

    env_of = lambda repo: None
    if args.two_phase and not args.syntax_only:
        env_of = export_summaries(args, wanted, roots, config)

    files = ok = remarks = 0
    failed = []
    per_check = collections.Counter()
    seen = set()
    missing = sum(1 for repo, _ in wanted if repo["repo"] not in roots)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        jobs = [(repo, entry, pool.submit(run, command_for(repo, entry, roots[repo["repo"]]),
                                          env_of(repo)))
                for repo, entry in wanted if repo["repo"] in roots]
        for repo, entry, future in jobs:
            files += 1
            root = roots[repo["repo"]]
            code, output = future.result()
            diags = parse_output(output, root, repo["repo"])
            errors = [d for d in diags if d["kind"] in ("error", "fatal error")]
            name = "%s/%s" % (repo["repo"], entry["path"])
            if errors or code != 0 and not any(d["kind"] == "warning" for d in diags):
                failed.append(name)
                print("error: %s does not compile:" % name)
                for diag in errors[:5]:
                    print("  %s: %s: %s" % (diag["loc"], diag["kind"], diag["text"]))
                if not errors:
                    print("  exit code %d: %s" % (code, (output.strip().splitlines() or [""])[-1]))
                continue
            ok += 1
            if args.syntax_only:
                continue
            for diags_of_one in group(diags):
                head = diags_of_one[0]
                if head["kind"] not in ("warning", "remark"):
                    continue
                key = tuple((d["loc"], d["text"]) for d in diags_of_one)
                if key in seen:   # a repository header reached from two files
                    continue
                seen.add(key)
                if head["kind"] == "remark":
                    remarks += 1
                elif head["check"]:
                    per_check[head["check"]] += 1
                for diag in diags_of_one:
                    suffix = " [%s]" % diag["check"] if diag["check"] else ""
                    indent = "  " if diag["kind"] == "note" else ""
                    print("%s%s: %s: %s%s" % (indent, diag["loc"], diag["kind"], diag["text"], suffix))
                    if args.snippets:
                        for line in diag["snippet"]:
                            print(indent + "    " + line)

    print()
    print("files: %d, compiled ok: %d, failed to compile: %d%s"
          % (files, ok, len(failed), ", without a mirror: %d" % missing if missing else ""))
    if not args.syntax_only:
        for check, count in sorted(per_check.items()):
            print("warnings [%s]: %d" % (check, count))
        print("warnings: %d" % sum(per_check.values()))
        print("remarks (functions skipped): %d" % remarks)
    return 1 if failed or missing else 0


if __name__ == "__main__":
    sys.exit(main())
