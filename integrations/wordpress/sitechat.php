<?php
/**
 * Plugin Name:       sitechat
 * Description:       Adds the sitechat live-chat widget to every page: the tracking code, plus a settings page for the widget and config URLs.
 * Version:           0.1.0
 * Requires at least: 6.3
 * Requires PHP:      7.4
 * License:           MIT OR Apache-2.0
 * Text Domain:       sitechat
 *
 * What it does, and its invariants:
 * - Settings → sitechat stores three options: the widget URL (where `sitechat.js` is
 *   served), the config URL and, optionally, the WebSocket URL of the backend. Each is
 *   validated on save; a bad value is refused with a message and the old one is kept.
 * - On every front-end page, once the widget URL is set, it prints two script tags
 *   before `</body>`: the page settings (`window.sitechatSettings`), served by this
 *   plugin as a small JavaScript *file* so that sites with a strict
 *   Content-Security-Policy (no inline script) keep working, then the tracking code
 *   `<script src=".../sitechat.js" async>`.
 * - Nothing is printed in the admin, and nothing at all while the widget URL is empty.
 *
 * See docs/embedding.md in the sitechat repository for every setting of the widget.
 */

if (!defined('ABSPATH')) {
    exit;
}

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
 * Checks the submitted options. A value that is not a URL of the expected kind is
 * refused with a settings error naming the field, and the saved value is kept.
 *
 * @param mixed $input What the settings form posted.
 */
function sitechat_sanitize_options($input): array
{
    $current = sitechat_options();
    $input = is_array($input) ? $input : array();
    $fields = array(
        'widget_url' => array(__('Widget URL', 'sitechat'), array('http', 'https'), true),
        'config_url' => array(__('Config URL', 'sitechat'), array('http', 'https'), false),
        'transport_url' => array(__('WebSocket URL', 'sitechat'), array('ws', 'wss'), false),
    );
    $clean = $current;
    foreach ($fields as $key => list($label, $schemes, $must_be_script)) {
        $value = isset($input[$key]) ? trim((string) $input[$key]) : '';
        if ($value === '') {
            $clean[$key] = '';
            continue;
        }
        $url = esc_url_raw($value, $schemes);
        $path = (string) wp_parse_url($url, PHP_URL_PATH);
        $ok = $url !== '' && (!$must_be_script || substr($path, -strlen('/sitechat.js')) === '/sitechat.js');
        if (!$ok) {
            add_settings_error(
                SITECHAT_OPTION,
                'sitechat_' . $key,
                sprintf(
                    /* translators: 1: field label, 2: the allowed URL schemes. */
                    $must_be_script
                        ? __('%1$s: expected the address of sitechat.js (%2$s), the previous value is kept.', 'sitechat')
                        : __('%1$s: expected an address starting with %2$s, the previous value is kept.', 'sitechat'),
                    $label,
                    implode(':// or ', $schemes) . '://'
                )
            );
            continue;
        }
        $clean[$key] = $url;
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
