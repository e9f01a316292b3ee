/**
 * Promote, abort, rollback and scale: each asks first (a modal dialog, usable on a phone),
 * then POSTs to the daemon. The browser sends the session cookie that the one-time login
 * link set; without it the daemon answers 401 and the page says how to log in. The page
 * does not redraw from the answer: the stream brings the new status within a second, so
 * what is shown is always what the daemon has, never what the page hoped for.
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

export async function perform(action: Action): Promise<void> {
  if (!(await askToConfirm(action.question))) return notice(`${action.name}: cancelled`, 'quiet');
  notice(`${action.name}: sending…`, 'quiet');
  try {
    const response = await fetch(action.path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(action.body ?? {}),
      credentials: 'same-origin',
    });
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
