/**
 * `gantry port-forward`'s `[LOCAL:REMOTE]` as kubectl reads it: `8080:8000`, `8000` (the same
 * port on both sides), `:8000` (any free local port). Without it, the service's own port on
 * both sides. Pure; the wording of each refusal is what the user sees.
 */
export interface PortMapping {
  /** 0: let the system pick a free port. */
  local: number;
  remote: number;
}

export type PortMappingResult = { ok: true; value: PortMapping } | { ok: false; error: string; hint: string };

const HINT = 'use LOCAL:REMOTE (8080:8000), one PORT for both, or :REMOTE for any free local port';

export function parsePortMapping(
  text: string | undefined,
  servicePort: number | undefined,
): PortMappingResult {
  if (text === undefined) {
    if (servicePort === undefined)
      return { ok: false, error: 'the service has no `port` to forward to', hint: `pass one: ${HINT}` };
    return { ok: true, value: { local: servicePort, remote: servicePort } };
  }
  const match = /^(\d*):(\d+)$/.exec(text) ?? /^()(\d+)$/.exec(text);
  if (!match) return { ok: false, error: `"${text}" is not a port mapping`, hint: HINT };
  const remote = Number(match[2]);
  const local = match[1] === '' ? (text.startsWith(':') ? 0 : remote) : Number(match[1]);
  if (remote < 1 || remote > 65535)
    return { ok: false, error: `remote port ${match[2]} is out of range`, hint: 'ports go from 1 to 65535' };
  if (local > 65535)
    return {
      ok: false,
      error: `local port ${match[1]} is out of range`,
      hint: 'ports go from 1 to 65535 (or :REMOTE for any)',
    };
  return { ok: true, value: { local, remote } };
}
