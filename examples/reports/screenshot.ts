import { chromium } from 'playwright-core';

/** A PNG of the top of a report as a laptop shows it (1280 px wide), from headless Chromium. */
export async function screenshot(htmlFile: string, pngFile: string, height = 1800): Promise<void> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height } });
  await page.goto(`file://${htmlFile}`);
  await page.waitForSelector('body[data-rendered]');
  await page.screenshot({ path: pngFile });
  await browser.close();
}
