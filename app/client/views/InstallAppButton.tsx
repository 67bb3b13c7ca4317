import { useInstallPrompt } from 'holdfast/react';

/** "Install app", only while the browser offers to install (never in the installed app itself). */
export function InstallAppButton() {
  const install = useInstallPrompt();
  if (!install) return null;
  return (
    <button type="button" className="install-app" onClick={() => void install()}>
      Install app
    </button>
  );
}
