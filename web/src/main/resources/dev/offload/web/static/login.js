'use strict';

// Logs in with fetch so that a wrong password shows here instead of on a bare error page.
document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = document.getElementById('login-error');
  error.classList.add('hidden');
  const body = new URLSearchParams({ password: document.getElementById('password').value });
  try {
    const response = await fetch('/login', {
      method: 'POST',
      headers: { 'X-Offload-Ui': '1' },
      body,
      credentials: 'same-origin',
    });
    if (response.ok) {
      location.href = '/';
      return;
    }
    error.textContent = response.status === 401 ? 'Wrong password.' : (await response.text()).trim();
  } catch (e) {
    error.textContent = 'The dashboard cannot be reached: ' + e.message;
  }
  error.classList.remove('hidden');
});
