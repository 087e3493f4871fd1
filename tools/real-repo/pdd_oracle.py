#!/usr/bin/env python3
"""PDD's own sync verdicts for a PDD checkout: the oracle nx-pdd's dry run is compared with.

Usage: python3 pdd_oracle.py <pdd-checkout> [unit-list.json | --units]

Imports `pdd.sync_determine_operation` from the checkout itself (PDD's source, unchanged) and
calls `sync_determine_operation(basename, language, ..., read_only=True)` for every unit that
has a fingerprint in `.pdd/meta`, with the working directory at the checkout's root, as
`pdd sync` does. PDD's LLM layer and UI packages that are not installed here (litellm, openai,
pandas, ...) are replaced by inert stub modules: the decision is deterministic and never calls
them. Nothing is written (read_only). Prints one JSON object: {"<basename>_<language>":
{"operation", "reason", "paths": {prompt, code, example, test}, "prompt_hash"}}.

With --units, prints the units PDD's own rule finds instead (see list_units).

The unit list (argument 2, optional) is a JSON array of {"basename", "language"}; without it,
units are every `prompts/**/<basename>_<language>.prompt` with a fingerprint (every one with
PDD_ORACLE_ALL=1; PDD refuses the ones whose suffix is no language, with an exception verdict).
"""
import importlib.abc
import importlib.machinery
import json
import os
import re
import sys
import types
from pathlib import Path

# Packages PDD imports at module level for its LLM calls, UI and servers; none of them take
# part in deciding the next operation.
STUBBED = {
    'litellm', 'openai', 'pandas', 'git', 'uvicorn', 'fastapi', 'starlette', 'tiktoken',
    'watchdog', 'google', 'anthropic', 'boto3', 'firecrawl', 'keyring',
}


class _Inert:
    def __init__(self, *a, **k):
        pass

    def __call__(self, *a, **k):
        return _Inert()

    def __getattr__(self, name):
        return _Inert()


class _StubLoader(importlib.abc.Loader):
    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = lambda name: _Inert
        return module

    def exec_module(self, module):
        pass


class _StubFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split('.')[0] in STUBBED:
            try:
                # A package that really is installed is used as it is.
                if name == name.split('.')[0] and importlib.machinery.PathFinder.find_spec(name) is not None:
                    return None
            except (ImportError, ValueError):
                pass
            return importlib.machinery.ModuleSpec(name, _StubLoader(), is_package=True)
        return None


def list_units(checkout: Path) -> None:
    """The units PDD's own rule finds (sync_order.py: `<prompts>.rglob("*_*.prompt")`, the
    suffix `_([a-zA-Z0-9]+)$` a language of PDD's registry, not LLM or prompt), in the root
    project and in every sub-project with its own .pddrc (its `prompts/` folder)."""
    from pdd.construct_paths import _is_known_language

    roots = [checkout] + sorted(p.parent for p in checkout.rglob('.pddrc') if p.parent != checkout and '.git' not in p.parts)
    out = []
    for root in roots:
        prompts = root / 'prompts'
        if not prompts.is_dir():
            continue
        for prompt in sorted(prompts.rglob('*_*.prompt')):
            match = re.search(r'_([a-zA-Z0-9]+)$', prompt.stem)
            suffix = match.group(1).lower() if match else None
            if not suffix or suffix in ('llm', 'prompt') or not _is_known_language(suffix):
                continue
            rel = prompt.relative_to(prompts).as_posix()[: -len('.prompt')]
            out.append({
                'root': root.relative_to(checkout).as_posix() if root != checkout else '',
                'basename': rel.rpartition('_')[0],
                'language': match.group(1),
            })
    json.dump(out, sys.stdout, indent=1)
    print()


def main() -> None:
    checkout = Path(sys.argv[1]).resolve()
    os.chdir(checkout)
    sys.meta_path.insert(0, _StubFinder())
    sys.path.insert(0, str(checkout))
    # Debian's python3-rich / -psutil / -filelock / -lxml, when pip's site has none.
    sys.path.append('/usr/lib/python3/dist-packages')
    if len(sys.argv) > 2 and sys.argv[2] == '--units':
        list_units(checkout)
        return
    import pdd.sync_determine_operation as sdo  # noqa: E402
    from pdd.construct_paths import construct_paths  # noqa: E402

    if len(sys.argv) > 2:
        units = json.loads(Path(sys.argv[2]).read_text())
    else:
        units = []
        meta = checkout / '.pdd' / 'meta'
        prompts = checkout / 'prompts'
        every = os.environ.get('PDD_ORACLE_ALL') == '1'
        for prompt in sorted(prompts.rglob('*_*.prompt')):
            rel = prompt.relative_to(prompts).as_posix()[: -len('.prompt')]
            basename, _, language = rel.rpartition('_')
            if every or (meta / f"{basename.replace('/', '_')}_{language.lower()}.json").exists():
                units.append({'basename': basename, 'language': language})
    out = {}
    # PDD prints progress to stdout; only the JSON goes there.
    real_stdout = sys.stdout
    sys.stdout = sys.stderr
    for unit in units:
        key = f"{unit['basename']}_{unit['language'].lower()}"
        try:
            # The target coverage `pdd sync` passes: the unit's .pddrc context, else 90.0
            # (sync_main.py: `resolved_config.get("target_coverage") or DEFAULT_TARGET_COVERAGE`).
            prompt_file = checkout / 'prompts' / f"{unit['basename']}_{unit['language']}.prompt"
            try:
                config = construct_paths(
                    input_file_paths={'prompt_file': str(prompt_file)}, force=True, quiet=True,
                    command='sync', command_options={}, context_override=None,
                )[0]
                target = float(config.get('target_coverage') or 90.0)
            except Exception:
                target = 90.0
            decision = sdo.sync_determine_operation(
                unit['basename'], unit['language'].lower(), target, read_only=True,
            )
            out[key] = {'operation': decision.operation, 'reason': decision.reason, 'target_coverage': target}
            paths = sdo.get_pdd_file_paths(unit['basename'], unit['language'].lower())
            out[key]['paths'] = {
                kind: os.path.relpath(paths[kind], checkout) if paths.get(kind) else None
                for kind in ('prompt', 'code', 'example', 'test')
            }
            fingerprint = sdo.read_fingerprint(unit['basename'], unit['language'].lower(), paths=paths)
            root = sdo.trusted_hash_root_for_paths(paths)
            hashes = sdo.calculate_current_hashes(
                paths, stored_include_deps=fingerprint.include_deps if fingerprint else None, dependency_root=root,
            )
            out[key]['prompt_hash'] = hashes.get('prompt_hash')
        except Exception as exc:  # PDD's own refusal is a verdict too
            out[key] = {'operation': 'exception', 'reason': f'{type(exc).__name__}: {exc}'}
    sys.stdout = real_stdout
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == '__main__':
    main()
