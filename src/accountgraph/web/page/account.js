// Signing in and out: the header's "Sign in" button, its dialog, who is signed in, and
// the plain message when the server refuses the token (a 401).

import { ApiError } from './api.js';
import { whoIs } from './governance.js';
import { onSessionChange, signIn, signOut, viewer } from './session.js';

const $ = (id) => document.getElementById(id);

/** Wire the header's account controls; ``t`` gives the page's words. */
export function setupAccount({ t }) {
  const dialog = $('sign-in-dialog');
  const input = $('token-input');
  const error = $('sign-in-error');
  const message = $('account-message');

  const say = (text) => {
    message.textContent = text || '';
    message.hidden = !text;
  };

  const show = () => {
    const who = viewer();
    $('signed-in').hidden = !who;
    $('sign-in').hidden = Boolean(who);
    $('sign-out').hidden = !who;
    $('signed-in-name').textContent = who ? who.name : '';
    $('signed-in-role').textContent = who ? t(`role${who.role}`) : '';
  };

  // The token field is described by the error under it (aria-describedby, page.html).
  const refused = (words) => {
    error.textContent = words;
    input.setAttribute('aria-invalid', 'true');
  };

  const close = () => {
    input.value = '';
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    if (dialog.open) dialog.close();
  };

  $('sign-in').addEventListener('click', () => {
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    input.value = '';
    dialog.showModal();
    input.focus();
  });
  $('sign-in-cancel').addEventListener('click', close);
  // Escape closes the dialog by itself; the token typed must not stay in the field.
  dialog.addEventListener('close', () => {
    input.value = '';
    if (!viewer()) $('sign-in').focus();
  });
  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) {
      refused(t('emptyToken'));
      input.focus();
      return;
    }
    error.textContent = t('signInChecking');
    $('sign-in-submit').disabled = true;
    try {
      const who = await whoIs(token);
      if (!who) throw new ApiError(t('needsToken'), { status: 401 });
      say('');
      signIn(token, who);
      close();
      $('sign-out').focus();
    } catch (failure) {
      signOut();
      refused(failure.message);
      input.select();
    } finally {
      $('sign-in-submit').disabled = false;
    }
  });
  $('sign-out').addEventListener('click', () => {
    signOut();
    say('');
    $('sign-in').focus();
  });
  onSessionChange(({ why }) => {
    show();
    if (why) say(why);
  });
  return {
    /** Offer signing in (a server that keeps tokens); ``why`` says why it is needed. */
    offer(why = '') {
      $('account').hidden = false;
      if (why) say(why);
      show();
    },
    retext: show,
  };
}
