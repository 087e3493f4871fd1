const SECRET_NAME = /(API_KEY|_TOKEN|SECRET|PASSWORD)$/i;

/**
 * Replace the values of secret environment variables (names ending in API_KEY, _TOKEN,
 * SECRET, PASSWORD, plus `extraNames`) found in `text` by `***`. Values shorter than 8
 * characters are left: they would match ordinary words.
 */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv, extraNames: string[] = []): string {
  let out = text;
  const names = new Set([...Object.keys(env).filter((n) => SECRET_NAME.test(n)), ...extraNames]);
  const values = [...names].map((n) => env[n]).filter((v): v is string => !!v && v.length >= 8);
  for (const value of values.sort((a, b) => b.length - a.length)) out = out.split(value).join('***');
  return out;
}
