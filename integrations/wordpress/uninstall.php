<?php
/**
 * Runs when the plugin is deleted from Plugins (not when it is only deactivated):
 * removes the plugin's only stored data, the `sitechat_options` option, on every site of
 * a network. The conversations live in the chat backend, not in WordPress.
 */

if (!defined('WP_UNINSTALL_PLUGIN')) {
    exit;
}

if (is_multisite()) {
    foreach (get_sites(array('fields' => 'ids', 'number' => 0)) as $site_id) {
        switch_to_blog($site_id);
        delete_option('sitechat_options');
        restore_current_blog();
    }
} else {
    delete_option('sitechat_options');
}
