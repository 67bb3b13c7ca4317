// The framework's React bindings: thin hooks over the core's stores (no logic of their own).
export { useStoreSelector, type Subscribable } from './useStoreSelector.js';
export { captureInstallPrompt, useInstallPrompt } from './installPrompt.js';
export { useSignInForm, type SignInForm } from './useSignInForm.js';
export { PasswordSignIn, type PasswordSignInProps } from './PasswordSignIn.js';
