// Asking before what cannot be undone, in the page's own modal dialog: a <dialog> keeps the focus
// inside it, closes on Esc and gives the focus back; window.confirm would also stop the page (and
// every socket frame) until answered.

import { ui } from './ui.js';

/** Resolves true when the user presses the action's button; Cancel, Esc or another ask say no. */
export function confirmAction({ title, text, action }) {
  const dialog = ui.confirmDialog;
  if (dialog.open) dialog.close('cancel');
  ui.confirmTitle.textContent = title;
  ui.confirmText.textContent = text;
  ui.confirmOk.textContent = action;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
  });
}
