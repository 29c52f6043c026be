// userAgent / userAgentFromString. Expected values are what ua-parser-js 1.0.35 (the parser
// Next.js bundles) returns for the same strings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { userAgent, userAgentFromString } from 'next/server';

const none = { name: undefined, version: undefined };
const noDevice = { vendor: undefined, model: undefined, type: undefined };

// [user agent, browser, engine, os, device, cpu architecture]
const SAMPLES = {
  'Chrome on Windows 10': [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    { name: 'Chrome', version: '120.0.0.0', major: '120' },
    { name: 'Blink', version: '120.0.0.0' },
    { name: 'Windows', version: '10' },
    noDevice,
    'amd64',
  ],
  'Safari on iPhone': [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
    { name: 'Mobile Safari', version: '17.0', major: '17' },
    { name: 'WebKit', version: '605.1.15' },
    { name: 'iOS', version: '17.0' },
    { vendor: 'Apple', model: 'iPhone', type: 'mobile' },
    undefined,
  ],
  'Firefox on Linux': [
    'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
    { name: 'Firefox', version: '121.0', major: '121' },
    { name: 'Gecko', version: '121.0' },
    // ua-parser-js takes the token after "Linux" as its version.
    { name: 'Linux', version: 'x86_64' },
    noDevice,
    'amd64',
  ],
  'Edge on Windows': [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
    { name: 'Edge', version: '120.0.2210.91', major: '120' },
    { name: 'Blink', version: '120.0.0.0' },
    { name: 'Windows', version: '10' },
    noDevice,
    'amd64',
  ],
  'Opera on Windows': [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/105.0.0.0',
    { name: 'Opera', version: '105.0.0.0', major: '105' },
    { name: 'Blink', version: '120.0.0.0' },
    { name: 'Windows', version: '10' },
    noDevice,
    'amd64',
  ],
  'Samsung Internet on a Galaxy phone': [
    'Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36',
    { name: 'Samsung Browser', version: '23.0', major: '23' },
    { name: 'Blink', version: '115.0.0.0' },
    { name: 'Android', version: '13' },
    { vendor: 'Samsung', model: 'SM-S918B', type: 'mobile' },
    undefined,
  ],
  'Safari on a Mac': [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
    { name: 'Safari', version: '17.1', major: '17' },
    { name: 'WebKit', version: '605.1.15' },
    { name: 'Mac OS', version: '10.15.7' },
    { vendor: 'Apple', model: 'Macintosh', type: undefined },
    undefined,
  ],
  'Safari on an iPad': [
    'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
    { name: 'Mobile Safari', version: '17.0', major: '17' },
    { name: 'WebKit', version: '605.1.15' },
    { name: 'iOS', version: '17.0' },
    { vendor: 'Apple', model: 'iPad', type: 'tablet' },
    undefined,
  ],
  'Chrome on a Pixel': [
    'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36',
    { name: 'Chrome', version: '116.0.0.0', major: '116' },
    { name: 'Blink', version: '116.0.0.0' },
    { name: 'Android', version: '13' },
    { vendor: 'Google', model: 'Pixel 7', type: 'mobile' },
    undefined,
  ],
  'Chrome on an Android tablet': [
    'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    { name: 'Chrome', version: '120.0.0.0', major: '120' },
    { name: 'Blink', version: '120.0.0.0' },
    { name: 'Android', version: '13' },
    { vendor: 'Samsung', model: 'SM-X710', type: 'tablet' },
    undefined,
  ],
  'Firefox on Android': [
    'Mozilla/5.0 (Android 13; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0',
    { name: 'Firefox', version: '121.0', major: '121' },
    { name: 'Gecko', version: '121.0' },
    { name: 'Android', version: '13' },
    { vendor: undefined, model: undefined, type: 'mobile' },
    undefined,
  ],
  'Chrome on iOS': [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1',
    { name: 'Chrome', version: '120.0.6099.119', major: '120' },
    { name: 'WebKit', version: '605.1.15' },
    { name: 'iOS', version: '17.2' },
    { vendor: 'Apple', model: 'iPhone', type: 'mobile' },
    undefined,
  ],
  'Firefox on Windows 7': [
    'Mozilla/5.0 (Windows NT 6.1; WOW64; rv:54.0) Gecko/20100101 Firefox/54.0',
    { name: 'Firefox', version: '54.0', major: '54' },
    { name: 'Gecko', version: '54.0' },
    { name: 'Windows', version: '7' },
    noDevice,
    'amd64',
  ],
};

describe('userAgentFromString', () => {
  for (const [label, [ua, browser, engine, os, device, architecture]] of Object.entries(SAMPLES)) {
    it(label, () => {
      assert.deepEqual(userAgentFromString(ua), { ua, browser, engine, os, device, cpu: { architecture }, isBot: false });
    });
  }

  it('recognises Googlebot (and other crawlers) as bots', () => {
    const googlebot = userAgentFromString('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)');
    assert.equal(googlebot.isBot, true);
    assert.equal(googlebot.ua, 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)');
    assert.deepEqual(googlebot.browser, { ...none, major: undefined });
    for (const bot of ['facebookexternalhit/1.1', 'Slackbot-LinkExpanding 1.0', 'Mozilla/5.0 (compatible; bingbot/2.0)', 'Twitterbot/1.0']) {
      assert.equal(userAgentFromString(bot).isBot, true, bot);
    }
  });

  it('handles a missing or unknown agent', () => {
    const missing = userAgentFromString(undefined);
    assert.equal(missing.ua, '');
    assert.equal(missing.isBot, false);
    assert.deepEqual(missing.os, none);
    const curl = userAgentFromString('curl/8.4.0');
    assert.deepEqual([curl.browser.name, curl.os.name, curl.device.type, curl.isBot], [undefined, undefined, undefined, false]);
  });
});

describe('userAgent', () => {
  it('reads the User-Agent header of a request or of { headers }', () => {
    const ua = SAMPLES['Chrome on Windows 10'][0];
    assert.equal(userAgent(new Request('https://a.com/', { headers: { 'user-agent': ua } })).browser.name, 'Chrome');
    assert.equal(userAgent({ headers: new Headers() }).ua, '');
  });
});
