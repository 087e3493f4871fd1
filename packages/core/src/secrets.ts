/**
 * Secrets: what an untrusted program may see of the environment, and which values never leave
 * nx-pdd (docs/security.md). Two rules, both by construction rather than by hoping a name
 * looks secret:
 * - a program nx-pdd runs (the example, the tests: generated code) gets an allowlisted
 *   environment: what languages and runners need, plus the names the user passes (`passEnv`);
 * - every value that looks secret (by its variable's name, or the password of a URL) is
 *   replaced by `***` in what nx-pdd keeps of a program's output and in what it sends to a
 *   model, so a value read through `/proc/<pid>/environ` is caught as well.
 */

/** Variable names whose values are secrets (a key, token, password, credential, connection string). */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSW(OR)?D|PWD|PASSPHRASE|CREDENTIAL|AUTH|PRIVATE|COOKIE|SESSION|SIGNATURE|DSN|DATABASE_URL|CONNECTION_STRING)/i;
/** Names that match the pattern above but hold no secret. */
const NOT_SECRET = new Set(['PWD', 'OLDPWD', 'XAUTHORITY', 'SSH_AUTH_SOCK', 'GPG_AGENT_INFO', 'KEYTIMEOUT', 'KEYMAP']);
/** The password of `scheme://user:password@host`. */
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:([^\s@/]+)@/gi;
/** Values shorter than this are left alone: they would match ordinary words. */
const MIN_SECRET_LENGTH = 6;

/** The secret values of `env`: those of secret-named variables, of `extraNames`, and passwords inside URLs. */
export function secretValues(env: NodeJS.ProcessEnv, extraNames: readonly string[] = []): string[] {
  const extra = new Set(extraNames);
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (extra.has(name) || (SECRET_NAME.test(name) && !NOT_SECRET.has(name))) values.add(value);
    for (const m of value.matchAll(URL_PASSWORD)) values.add(m[1]);
  }
  return [...values].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/** `text` with every one of `values` (longest first) replaced by `***`. */
export function redactValues(text: string, values: readonly string[]): string {
  let out = text;
  for (const value of values) if (out.includes(value)) out = out.split(value).join('***');
  return out;
}

/** `text` with the secret values of `env` (and of `extraNames`) replaced by `***`. */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv, extraNames: readonly string[] = []): string {
  return redactValues(text, secretValues(env, extraNames));
}

/** Variables an untrusted program gets (when set): what shells, interpreters and build tools need. */
const ALLOWED = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TERM',
  'TMPDIR',
  'TMP',
  'TEMP',
  'CI',
  'FORCE_COLOR',
  'NO_COLOR',
  'VIRTUAL_ENV',
  'CONDA_PREFIX',
  'CONDA_DEFAULT_ENV',
  'JAVA_HOME',
  'GOPATH',
  'GOROOT',
  'GOCACHE',
  'GOMODCACHE',
  'GOFLAGS',
  'CARGO_HOME',
  'RUSTUP_HOME',
  'GEM_HOME',
  'GEM_PATH',
  'DOTNET_ROOT',
  'XDG_CACHE_HOME',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_RUNTIME_DIR',
  'SYSTEMROOT',
  'COMSPEC',
  'PATHEXT',
  'WINDIR',
  'APPDATA',
  'LOCALAPPDATA',
  'USERPROFILE',
]);
/** Prefixes of allowed names (`LC_ALL`, `PYTHONPATH`, `PYENV_VERSION`, `NODE_PATH`). */
const ALLOWED_PREFIXES = ['LC_', 'PYTHON', 'PYENV_', 'NODE_', 'NVM_'];

/**
 * The environment of a program nx-pdd did not write (generated code): only the allowlisted
 * variables and `passEnv` (the plugin option), and of those none whose value is a secret.
 * Never a copy of the environment minus a pattern.
 */
export function untrustedEnvironment(env: NodeJS.ProcessEnv, passEnv: readonly string[] = [], extraSecretNames: readonly string[] = []): NodeJS.ProcessEnv {
  const pass = new Set(passEnv);
  const secrets = new Set(secretValues(env, extraSecretNames));
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const allowed = pass.has(name) || ALLOWED.has(name) || ALLOWED_PREFIXES.some((p) => name.startsWith(p));
    if (!allowed) continue;
    // An allowed name with a secret value (a URL with a password in PYTHON_INDEX) still stays out, unless passed by name.
    if (!pass.has(name) && [...secrets].some((s) => value.includes(s))) continue;
    out[name] = value;
  }
  return out;
}
