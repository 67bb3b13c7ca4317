// The framework's React bindings: store hooks, the install prompt, and a sign-in form (hook and component).
export { useStoreSelector, type Subscribable } from './useStoreSelector.js';
export { captureInstallPrompt, useInstallPrompt } from './installPrompt.js';
export { useSignInForm, type SignInForm } from './useSignInForm.js';
export { PasswordSignIn, type PasswordSignInProps } from './PasswordSignIn.js';
