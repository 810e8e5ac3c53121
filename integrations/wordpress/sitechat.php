<?php
/**
 * Plugin Name:       sitechat
 * Description:       Adds the sitechat live-chat widget to every page: the tracking code, plus a settings page for the widget and config URLs.
 * Version:           0.2.0
 * Requires at least: 6.1
 * Requires PHP:      7.4
 * License:           MIT OR Apache-2.0
 * License URI:       https://opensource.org/licenses/MIT
 * Text Domain:       sitechat
 *
 * What it does, and its invariants:
 * - Settings → sitechat stores three options: the widget URL (where `sitechat.js` is
 *   served), the config URL and, optionally, the WebSocket URL of the backend. Each is
 *   validated on save: a value that is not an address of the expected kind, or an
 *   address that answers with something else than the widget's loader or a JSON config,
 *   is refused with a message naming the field, and the old value is kept. An address
 *   the site cannot reach is kept with a warning (the browser may reach it when the
 *   server cannot). The form is the Settings API's: nonce-checked by `options.php`,
 *   open to `manage_options` only.
 * - On every front-end page, once the widget URL is set, it prints two script tags
 *   before `</body>`: the page settings (`window.sitechatSettings`), served by this
 *   plugin as a small JavaScript *file* so that sites with a strict
 *   Content-Security-Policy (no inline script) keep working, then the tracking code
 *   `<script src=".../sitechat.js" async>` (async by the script strategy on WordPress
 *   6.3 and later, by `script_loader_tag` before).
 * - Nothing is printed in the admin, and nothing at all while the widget URL is empty.
 * - uninstall.php deletes the option (on every site of a network).
 *
 * See docs/embedding.md in the sitechat repository for every setting of the widget.
 */

if (!defined('ABSPATH')) {
    exit;
}

const SITECHAT_VERSION = '0.2.0';
const SITECHAT_OPTION = 'sitechat_options';
const SITECHAT_QUERY_VAR = 'sitechat-settings';

/**
 * The saved options, with every key present.
 *
 * @return array{widget_url: string, config_url: string, transport_url: string}
 */
function sitechat_options(): array
{
    $saved = get_option(SITECHAT_OPTION, array());
    $saved = is_array($saved) ? $saved : array();
    return array(
        'widget_url' => isset($saved['widget_url']) ? (string) $saved['widget_url'] : '',
        'config_url' => isset($saved['config_url']) ? (string) $saved['config_url'] : '',
        'transport_url' => isset($saved['transport_url']) ? (string) $saved['transport_url'] : '',
    );
}

/**
 * Whether `$value` is an absolute URL with one of `$schemes` and a host, and nothing
 * that `esc_url_raw` would have to change (spaces, quotes, control characters).
 */
function sitechat_is_url(string $value, array $schemes): bool
{
    $parts = wp_parse_url($value);
    if (!is_array($parts) || empty($parts['scheme']) || empty($parts['host'])) {
        return false;
    }
    if (!in_array(strtolower($parts['scheme']), $schemes, true)) {
        return false;
    }
    return esc_url_raw($value, $schemes) === $value && !preg_match('/[\s"\'<>\\\\]/', $value);
}

/**
 * Asks `$url` (from the site's server) whether it is what the field expects:
 * `script` (the loader, JavaScript) or `json` (a config document, a JSON object).
 * Returns null when it is, else `array(level, message)`: an `error` when it answered
 * with something else, a `warning` when it could not be reached at all.
 * Each URL is asked once per request (WordPress sanitizes a new option twice).
 */
function sitechat_check_url(string $url, string $expect, string $label): ?array
{
    static $seen = array();
    $key = $expect . ' ' . $url;
    if (array_key_exists($key, $seen)) {
        return $seen[$key];
    }
    // Asked as the browser will: from this site's origin (the widget fetches the config
    // with CORS when it lives on another origin).
    $home = wp_parse_url(home_url('/'));
    $origin = $home['scheme'] . '://' . $home['host'] . (isset($home['port']) ? ':' . $home['port'] : '');
    $response = wp_remote_get($url, array('timeout' => 5, 'redirection' => 3, 'headers' => array('Origin' => $origin)));
    if (is_wp_error($response)) {
        return $seen[$key] = array('warning', sprintf(
            /* translators: 1: field label, 2: the URL, 3: the error. */
            __('%1$s: saved, but this site could not reach %2$s to check it (%3$s). Make sure visitors\' browsers can.', 'sitechat'),
            $label, $url, $response->get_error_message()
        ));
    }
    $status = (int) wp_remote_retrieve_response_code($response);
    $type = strtolower((string) wp_remote_retrieve_header($response, 'content-type'));
    $body = (string) wp_remote_retrieve_body($response);
    $problem = null;
    if ($status < 200 || $status > 299) {
        /* translators: 1: the HTTP status code. */
        $problem = sprintf(__('it answered with HTTP status %1$d', 'sitechat'), $status);
    } elseif ($expect === 'script' && strpos($type, 'javascript') === false) {
        /* translators: 1: the content type received. */
        $problem = sprintf(__('it answered with %1$s, not JavaScript', 'sitechat'), $type !== '' ? $type : __('no content type', 'sitechat'));
    } elseif ($expect === 'json') {
        $doc = json_decode($body);
        $allowed = (string) wp_remote_retrieve_header($response, 'access-control-allow-origin');
        $target = wp_parse_url($url);
        $same_origin = strtolower($target['scheme'] . '://' . $target['host'] . (isset($target['port']) ? ':' . $target['port'] : '')) === strtolower($origin);
        if (!is_object($doc)) {
            /* translators: 1: the content type received. */
            $problem = sprintf(__('it answered with %1$s that is not a JSON object (the widget\'s config is one, e.g. {"profile": {"name": "Ada"}})', 'sitechat'), $type !== '' ? $type : __('a body', 'sitechat'));
        } elseif (!$same_origin && $allowed !== '*' && strcasecmp($allowed, $origin) !== 0) {
            /* translators: 1: this site's origin. */
            $problem = sprintf(__('it does not allow pages of %1$s to read it (no Access-Control-Allow-Origin header for this site), so visitors\' browsers would refuse it', 'sitechat'), $origin);
        }
    }
    if ($problem === null) {
        return $seen[$key] = null;
    }
    return $seen[$key] = array('error', sprintf(
        /* translators: 1: field label, 2: the URL, 3: what is wrong with its answer. */
        __('%1$s: %2$s is not usable: %3$s. The previous value is kept.', 'sitechat'),
        $label, $url, $problem
    ));
}

/**
 * Checks the submitted options. A value that is not a URL of the expected kind, or that
 * answers with the wrong thing, is refused with a settings error naming the field, and
 * the saved value is kept.
 *
 * @param mixed $input What the settings form posted.
 */
function sitechat_sanitize_options($input): array
{
    static $reported = array();
    $current = sitechat_options();
    $input = is_array($input) ? $input : array();
    $fields = array(
        'widget_url' => array(__('Widget URL', 'sitechat'), array('http', 'https'), 'script'),
        'config_url' => array(__('Config URL', 'sitechat'), array('http', 'https'), 'json'),
        'transport_url' => array(__('WebSocket URL', 'sitechat'), array('ws', 'wss'), null),
    );
    $clean = $current;
    foreach ($fields as $key => list($label, $schemes, $expect)) {
        $value = isset($input[$key]) ? trim((string) $input[$key]) : ''; // options.php has unslashed it
        if ($value === '') {
            $clean[$key] = '';
            continue;
        }
        $problem = null;
        if (!sitechat_is_url($value, $schemes)) {
            $problem = array('error', sprintf(
                /* translators: 1: field label, 2: what was entered, 3: the allowed URL schemes. */
                __('%1$s: "%2$s" is not a full address starting with %3$s. The previous value is kept.', 'sitechat'),
                $label, $value, implode(' or ', array_map(function ($s) { return $s . '://'; }, $schemes))
            ));
        } elseif ($expect === 'script' && substr((string) wp_parse_url($value, PHP_URL_PATH), -strlen('/sitechat.js')) !== '/sitechat.js') {
            $problem = array('error', sprintf(
                /* translators: 1: field label, 2: what was entered. */
                __('%1$s: "%2$s" is not the address of sitechat.js (it must end with /sitechat.js). The previous value is kept.', 'sitechat'),
                $label, $value
            ));
        } elseif ($expect !== null) {
            $problem = sitechat_check_url($value, $expect, $label);
        }
        if ($problem !== null && !isset($reported[$problem[1]])) {
            $reported[$problem[1]] = true;
            // settings_errors() prints the message as HTML: it quotes what was entered.
            add_settings_error(SITECHAT_OPTION, 'sitechat_' . $key, esc_html($problem[1]), $problem[0]);
        }
        if ($problem !== null && $problem[0] === 'error') {
            continue;
        }
        $clean[$key] = $value;
    }
    return $clean;
}

add_action('admin_init', function () {
    register_setting('sitechat', SITECHAT_OPTION, array(
        'type' => 'array',
        'sanitize_callback' => 'sitechat_sanitize_options',
        'default' => array(),
    ));
    add_settings_section('sitechat_main', '', '__return_false', 'sitechat');
    $fields = array(
        'widget_url' => array(__('Widget URL', 'sitechat'), 'https://chat.example.com/sitechat.js', __('Where your sitechat server serves the loader. Required: nothing is added to your pages without it.', 'sitechat')),
        'config_url' => array(__('Config URL', 'sitechat'), 'https://chat.example.com/api/site-config', __('Where the widget fetches its JSON config (profile, colours, availability). Empty: the widget\'s defaults.', 'sitechat')),
        'transport_url' => array(__('WebSocket URL', 'sitechat'), 'wss://chat.example.com/ws/visitor', __('The backend\'s visitor socket. Empty: /ws/visitor on your own site.', 'sitechat')),
    );
    foreach ($fields as $key => list($label, $placeholder, $help)) {
        add_settings_field('sitechat_' . $key, esc_html($label), function () use ($key, $placeholder, $help) {
            $options = sitechat_options();
            printf(
                '<input type="url" class="regular-text code" id="sitechat_%1$s" name="%2$s[%1$s]" value="%3$s" placeholder="%4$s" /><p class="description">%5$s</p>',
                esc_attr($key),
                esc_attr(SITECHAT_OPTION),
                esc_attr($options[$key]),
                esc_attr($placeholder),
                esc_html($help)
            );
        }, 'sitechat', 'sitechat_main', array('label_for' => 'sitechat_' . $key));
    }
});

// A "Settings" link next to "Deactivate" on the Plugins screen.
add_filter('plugin_action_links_' . plugin_basename(__FILE__), function ($links) {
    $url = admin_url('options-general.php?page=sitechat');
    array_unshift($links, '<a href="' . esc_url($url) . '">' . esc_html__('Settings', 'sitechat') . '</a>');
    return $links;
});

add_action('admin_menu', function () {
    add_options_page(__('sitechat', 'sitechat'), __('sitechat', 'sitechat'), 'manage_options', 'sitechat', function () {
        if (!current_user_can('manage_options')) {
            return;
        }
        echo '<div class="wrap"><h1>' . esc_html__('sitechat', 'sitechat') . '</h1>';
        echo '<form action="options.php" method="post">';
        settings_fields('sitechat');
        do_settings_sections('sitechat');
        submit_button();
        echo '</form></div>';
    });
});

/** The page settings the widget reads, as JavaScript. */
function sitechat_settings_script(): string
{
    $options = sitechat_options();
    $settings = array();
    if ($options['config_url'] !== '') {
        $settings['config'] = $options['config_url'];
    }
    if ($options['transport_url'] !== '') {
        $settings['transport'] = $options['transport_url'];
    }
    $json = wp_json_encode((object) $settings, JSON_UNESCAPED_SLASHES | JSON_HEX_TAG | JSON_HEX_AMP);
    return 'window.sitechatSettings = Object.assign(window.sitechatSettings || {}, ' . $json . ");\n";
}

// The settings file: `/?sitechat-settings=1` answers with the script above.
add_filter('query_vars', function ($vars) {
    $vars[] = SITECHAT_QUERY_VAR;
    return $vars;
});

add_action('template_redirect', function () {
    if (get_query_var(SITECHAT_QUERY_VAR) === '') {
        return;
    }
    header('Content-Type: text/javascript; charset=utf-8');
    header('Cache-Control: public, max-age=300');
    header('X-Content-Type-Options: nosniff');
    echo sitechat_settings_script(); // phpcs:ignore WordPress.Security.EscapeOutput -- JSON-encoded above.
    exit;
});

add_action('wp_enqueue_scripts', function () {
    $options = sitechat_options();
    if ($options['widget_url'] === '') {
        return;
    }
    $version = substr(md5(sitechat_settings_script()), 0, 8);
    wp_enqueue_script('sitechat-settings', add_query_arg(SITECHAT_QUERY_VAR, '1', home_url('/')), array(), $version, array('in_footer' => true));
    // The tracking code: async, after the settings, just before </body>.
    wp_enqueue_script('sitechat', $options['widget_url'], array('sitechat-settings'), null, array('in_footer' => true, 'strategy' => 'async'));
});

// WordPress before 6.3 has no script strategies (it reads the array above as "in the
// footer"): the tracking code gets its `async` here instead.
add_filter('script_loader_tag', function ($tag, $handle) {
    if ($handle !== 'sitechat' || preg_match('/<script\b[^>]*\sasync[\s=>]/i', $tag)) {
        return $tag;
    }
    return preg_replace('/<script\b/i', '<script async', $tag, 1);
}, 10, 2);
