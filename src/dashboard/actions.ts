/**
 * Promote, abort, rollback and scale: each asks first (a modal dialog, usable on a phone),
 * then POSTs to the daemon as JSON. The browser sends the session cookie that the one-time
 * login link set, and the page adds its session's CSRF token (read once from GET /v1/session,
 * which only a page of the daemon's own origin can read); without a session the daemon
 * answers 401 and the page says how to log in. The page does not redraw from the answer: the
 * stream brings the new status within a second, so what is shown is always what the daemon
 * has, never what the page hoped for.
 */
import { byId } from './dom.ts';

export interface Action {
  /** For the notice: "abort api". */
  name: string;
  /** What the dialog asks, naming the consequence. */
  question: string;
  path: string;
  body?: unknown;
}

export function askToConfirm(question: string): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>('confirm');
  byId('confirm-question').textContent = question;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

/** The session's CSRF header, or none without a session (the action is then refused with 401). */
let csrf: Promise<Record<string, string>> | undefined;

function csrfHeader(): Promise<Record<string, string>> {
  csrf ??= fetch('/v1/session', { credentials: 'same-origin' })
    .then(async (response) => {
      if (!response.ok) return {};
      const { csrfToken, header } = (await response.json()) as { csrfToken: string; header: string };
      return { [header]: csrfToken };
    })
    .catch(() => ({}));
  return csrf;
}

export async function perform(action: Action): Promise<void> {
  if (!(await askToConfirm(action.question))) return notice(`${action.name}: cancelled`, 'quiet');
  notice(`${action.name}: sending…`, 'quiet');
  try {
    const headers = { 'content-type': 'application/json', ...(await csrfHeader()) };
    // Asked again next time when refused: the daemon restarted (new sessions) or a login happened since.
    const response = await fetch(action.path, {
      method: 'POST',
      headers,
      body: JSON.stringify(action.body ?? {}),
      credentials: 'same-origin',
    });
    if (response.status === 401 || response.status === 403) csrf = undefined;
    const answer = (await response.json().catch(() => ({}))) as { error?: string };
    if (response.ok) return notice(`${action.name}: done`, 'ok');
    const hint =
      response.status === 401
        ? ' — open the one-time login link that `gantry up` or `gantry status` prints to act from this browser'
        : '';
    notice(
      `${action.name}: refused (${response.status}): ${answer.error ?? response.statusText}${hint}`,
      'error',
    );
  } catch (error) {
    notice(`${action.name}: the daemon did not answer (${(error as Error).message})`, 'error');
  }
}

function notice(text: string, kind: 'ok' | 'error' | 'quiet'): void {
  const element = byId('notice');
  element.textContent = text;
  element.dataset.kind = kind;
}
