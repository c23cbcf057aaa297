/**
 * How every browser test launches Chromium: the Debian browser at
 * /usr/bin/chromium (`.ci/run` installs it), never one a package downloads,
 * headless and quiet. Used by the vitest browser project and the bundling check.
 */
export const chromiumPath = "/usr/bin/chromium";

export const chromiumLaunchOptions = {
  executablePath: chromiumPath,
  headless: true,
  args: [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
  ],
};
