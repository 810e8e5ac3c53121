// A real WordPress for the WordPress tier: Debian's `wordpress` package (6.1) served by
// PHP's built-in server, on a MariaDB of its own, both started here and stopped by
// `stop()`.
//
// Invariants:
// - nothing listens anywhere but 127.0.0.1: PHP binds there on an ephemeral port, and
//   MariaDB listens on a Unix socket in the temporary directory only (`--skip-networking`);
// - WordPress itself never leaves the machine: `WP_HTTP_BLOCK_EXTERNAL` (its HTTP API
//   then only reaches this host), no cron, no updater, and the test site's must-use
//   plugin turns off the two things that make browsers fetch from elsewhere (emoji
//   images, avatars);
// - the packaged WordPress under /usr/share/wordpress is only read: each run copies it to
//   a temporary directory with its own wp-config.php and wp-content/, and removes it all,
//   with the database, in `stop()`;
// - the site is installed the way the installer's form does it (`wp-admin/install.php`,
//   step 2, posted), with the administrator in `OWNER`.

import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

import { freePort, waitFor } from '../harness.mjs';

/** Where Debian's `wordpress` package puts WordPress. */
export const WORDPRESS_DIR = process.env.SITECHAT_WORDPRESS_DIR ?? '/usr/share/wordpress';

/** The site owner (WordPress administrator) the installer creates. */
export const OWNER = Object.freeze({ user: 'owner', password: 'owner-pass-4-tests', email: 'owner@example.com' });

/** The programs this harness runs; `missingPrograms()` says which are absent. */
const PROGRAMS = ['php', 'mariadbd', 'mariadb-install-db', 'mariadb', 'cp'];

/** What is missing to run a WordPress here (programs, the packaged WordPress), if anything. */
export function missingPrograms() {
  const missing = PROGRAMS.filter((p) => spawnSync('sh', ['-c', `command -v ${p}`]).status !== 0);
  if (!existsSync(join(WORDPRESS_DIR, 'wp-settings.php'))) missing.push(`${WORDPRESS_DIR}/wp-settings.php`);
  const mysqli = spawnSync('php', ['-r', 'exit(extension_loaded("mysqli") ? 0 : 1);']);
  if (mysqli.status !== 0) missing.push('the php mysqli extension');
  return missing;
}


function run(cmd, args, what) {
  const res = spawnSync(cmd, args, { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${what} failed (${cmd} exited with ${res.status}): ${res.stderr || res.stdout}`);
  return res.stdout;
}

/**
 * A long-running child in a process group of its own (PHP's server forks its workers,
 * which must go with it), whose output is kept for failure messages.
 */
function startChild(cmd, args, options = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...options });
  const output = [];
  child.stdout.on('data', (d) => output.push(String(d)));
  child.stderr.on('data', (d) => output.push(String(d)));
  // 'close': the child and every process that inherited its output (the workers) are gone.
  const closed = new Promise((resolve) => child.on('close', resolve));
  // run.sh kills what is listed here if this process itself is killed (its timeout).
  if (process.env.SITECHAT_WP_PIDFILE && child.pid) appendFileSync(process.env.SITECHAT_WP_PIDFILE, `${child.pid}\n`);
  return { child, output, closed };
}

/** Stops the child's whole process group: SIGTERM, then SIGKILL after 10 s. */
async function stopChild(proc) {
  if (!proc) return;
  const signal = (sig) => {
    try {
      process.kill(-proc.child.pid, sig);
    } catch {
      // the group is gone already
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 10_000);
  await proc.closed;
  clearTimeout(timer);
}

/** PHP string literal. */
const php = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * The test site's must-use plugin: not part of the sitechat plugin, it stands for what the
 * site owner's own set-up does.
 * - Always: no emoji script (it would make the browser fetch images from elsewhere) and
 *   no avatars (the same, in the admin bar).
 * - `?strict-csp` on a front-end URL: the site sends the strict Content-Security-Policy
 *   given to `startWordPress({ csp })`, and, as a site with such a policy must, takes out
 *   the inline scripts of WordPress's own theme (Twenty Twenty-One), so that any inline
 *   script left on the page is someone else's: a plugin's.
 * - `?strict-csp&inline-probe`: also prints one inline script of its own, so the tests
 *   can check that a violation would be seen.
 */
function testSitePlugin() {
  return `<?php
/* The sitechat WordPress tier's test site (see e2e/wordpress/wp-harness.mjs). */
add_filter('pre_option_show_avatars', '__return_zero');
remove_action('wp_head', 'print_emoji_detection_script', 7);
remove_action('admin_print_scripts', 'print_emoji_detection_script');
remove_action('wp_print_styles', 'print_emoji_styles');
remove_action('admin_print_styles', 'print_emoji_styles');

function sitechat_test_strict() {
    return !is_admin() && isset($_GET['strict-csp']) && defined('SITECHAT_TEST_CSP');
}
add_action('send_headers', function () {
    if (sitechat_test_strict()) {
        header('Content-Security-Policy: ' . SITECHAT_TEST_CSP);
    }
});
add_action('wp', function () {
    if (!sitechat_test_strict()) {
        return;
    }
    remove_action('wp_footer', 'twenty_twenty_one_supports_js');
    remove_action('wp_footer', 'twentytwentyone_add_ie_class');
    remove_action('wp_print_footer_scripts', 'twenty_twenty_one_skip_link_focus_fix');
    if (isset($_GET['inline-probe'])) {
        add_action('wp_footer', function () {
            echo "<script>window.sitechatTestInlineProbe = true;</script>\\n";
        });
    }
});
add_action('wp_enqueue_scripts', function () {
    if (sitechat_test_strict()) {
        wp_scripts()->add_data('twenty-twenty-one-ie11-polyfills', 'after', array());
    }
}, 100);
`;
}

/**
 * Starts MariaDB and WordPress, installs the site, and returns
 * `{ url(path), origin, query(sql), debugLog(), pluginDir, output(), stop() }`.
 *
 * - `csp`: the policy the site sends on `?strict-csp` pages (see {@link testSitePlugin}).
 */
export async function startWordPress({ csp = null } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sitechat-wp-'));
  const dbDir = join(dir, 'db');
  const socket = join(dir, 'mysql.sock');
  const wpDir = join(dir, 'wp');
  const debugLogPath = join(dir, 'debug.log');
  const user = userInfo().username;
  let db = null;
  let web = null;

  async function stop() {
    await stopChild(web);
    await stopChild(db);
    rmSync(dir, { recursive: true, force: true });
  }

  try {
    run('mariadb-install-db', ['--no-defaults', `--datadir=${dbDir}`, `--user=${user}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve'], 'mariadb-install-db');
    db = startChild('mariadbd', [
      '--no-defaults', `--datadir=${dbDir}`, `--socket=${socket}`, '--skip-networking', `--user=${user}`,
      `--pid-file=${join(dir, 'mysql.pid')}`, `--log-error=${join(dir, 'mysql.err')}`,
      '--innodb-buffer-pool-size=32M', '--skip-name-resolve',
    ]);
    const query = (sql) => run('mariadb', ['--no-defaults', `--socket=${socket}`, '-uroot', '--batch', '--skip-column-names', '-e', sql], `the query ${sql}`);
    await waitFor(() => {
      if (db.child.exitCode !== null) throw new Error(`mariadbd exited: ${readFileSync(join(dir, 'mysql.err'), 'utf8')}`);
      return existsSync(socket) && spawnSync('mariadb', ['--no-defaults', `--socket=${socket}`, '-uroot', '-e', 'SELECT 1']).status === 0;
    }, 'MariaDB to answer on its socket', { timeout: 30_000, interval: 100 });
    query('CREATE DATABASE wordpress CHARACTER SET utf8mb4');

    // The packaged WordPress, copied with its symbolic links followed (Debian links
    // underscore.js and others to its shared /usr/share/javascript by relative links,
    // which PHP's server would not follow out of the site anyway), with our own
    // wp-config.php instead of Debian's (which reads /etc/wordpress/config-<host>.php).
    run('cp', ['-a', '-L', WORDPRESS_DIR, wpDir], 'copying WordPress');
    rmSync(join(wpDir, 'wp-config.php'), { force: true });
    rmSync(join(wpDir, '.htaccess'), { force: true });
    mkdirSync(join(wpDir, 'wp-content', 'mu-plugins'), { recursive: true });
    writeFileSync(join(wpDir, 'wp-content', 'mu-plugins', 'sitechat-test-site.php'), testSitePlugin());
    const salts = ['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT']
      .map((k) => `define(${php(k)}, ${php(`${k}-${Math.random().toString(36).slice(2)}`)});`).join('\n');
    writeFileSync(join(wpDir, 'wp-config.php'), `<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', ${php(`localhost:${socket}`)});
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
${salts}
$table_prefix = 'wp_';
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('FS_METHOD', 'direct');
define('WP_DEBUG', true);
define('WP_DEBUG_LOG', ${php(debugLogPath)});
define('WP_DEBUG_DISPLAY', false);
${csp ? `define('SITECHAT_TEST_CSP', ${php(csp)});` : ''}
if (!defined('ABSPATH')) {
    define('ABSPATH', __DIR__ . '/');
}
require_once ABSPATH . 'wp-settings.php';
`);

    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    // Several workers: WordPress asks itself for things while it answers (the plugin's
    // URL checks may point at this very site).
    web = startChild('php', ['-S', `127.0.0.1:${port}`, '-t', wpDir], { cwd: wpDir, env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' } });
    await waitFor(async () => {
      if (web.child.exitCode !== null) throw new Error(`php -S exited: ${web.output.join('')}`);
      const res = await fetch(`${origin}/wp-admin/install.php`).catch(() => null);
      return res?.ok;
    }, 'PHP to serve WordPress', { timeout: 20_000, interval: 100 });

    // The installer's second step, as its form posts it.
    const form = new URLSearchParams({
      weblog_title: 'Lumen Bikes', user_name: OWNER.user, admin_password: OWNER.password, admin_password2: OWNER.password,
      pw_weak: '1', admin_email: OWNER.email, blog_public: '0', language: '',
    });
    const installed = await fetch(`${origin}/wp-admin/install.php?step=2`, { method: 'POST', body: form });
    const page = await installed.text();
    if (!installed.ok || !/<h1>Success!<\/h1>/.test(page)) {
      throw new Error(`WordPress's installer did not succeed (HTTP ${installed.status}): ${page.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 500)}`);
    }

    return {
      origin,
      url: (path = '/') => new URL(path, origin).href,
      query,
      /** The option row `name`, as MariaDB holds it ('' when there is none). */
      option: (name) => query(`SELECT option_value FROM wordpress.wp_options WHERE option_name = '${name.replace(/'/g, "''")}'`).trim(),
      pluginDir: join(wpDir, 'wp-content', 'plugins', 'sitechat'),
      /** PHP's notices, warnings and errors so far (WP_DEBUG_LOG). */
      debugLog: () => (existsSync(debugLogPath) ? readFileSync(debugLogPath, 'utf8') : ''),
      output: () => web.output.join(''),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
