//! The JavaScript API behind `window.SiteChat` (alias `window.HubSpotConversations`).
//!
//! The loader (`loader/sitechat.js`) owns the public object, so a page can call it
//! before the app is ready: it queues the calls, imports the app, calls [`boot`], and
//! then hands every call — the queued ones first, in order — to the dispatcher `boot`
//! returns, as `dispatch(method, args)`. This module checks the arguments of each call
//! and forwards it to the [`PageWidget`]. One method is the loader's own, not the API:
//! `launcher.click`, a click on the launcher it drew before the app was there
//! ([`super::early_launcher`]).
//!
//! Invariants: a call with wrong arguments logs one console error naming the method and
//! what is wrong, and does nothing else (it never throws into the page); unknown option
//! names are wrong arguments, so a typo is caught rather than ignored; `boot` is
//! idempotent (a second call returns the same dispatcher).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::events::EventName;
use super::page_settings::describe;
use super::page_widget::PageWidget;

thread_local! {
    static PAGE: RefCell<Option<(Rc<PageWidget>, Function)>> = const { RefCell::new(None) };
}

/// The page widget, once [`boot`] ran.
pub fn page_widget() -> Option<Rc<PageWidget>> {
    PAGE.with(|p| p.borrow().as_ref().map(|(page, _)| page.clone()))
}

/// Called by the loader once the app is initialised: creates the page widget, loads it
/// unless `loadImmediately` is `false`, and returns the dispatcher.
#[wasm_bindgen]
pub fn boot() -> Function {
    if let Some(dispatcher) = PAGE.with(|p| p.borrow().as_ref().map(|(_, f)| f.clone())) {
        return dispatcher;
    }
    let page = PageWidget::new();
    let target = page.clone();
    let dispatcher: Function = Closure::<dyn Fn(JsValue, JsValue) -> JsValue>::new(
        move |method: JsValue, args: JsValue| {
            // The loader always passes an array; anything else counts as no arguments.
            let args: Array = args.dyn_into().unwrap_or_default();
            let method = method.as_string().unwrap_or_default();
            match dispatch(&target, &method, &args) {
                Ok(value) => value,
                Err(message) => {
                    gloo::console::error!(format!("sitechat: {message}"));
                    JsValue::UNDEFINED
                }
            }
        },
    )
    .into_js_value()
    .unchecked_into();
    PAGE.with(|p| *p.borrow_mut() = Some((page.clone(), dispatcher.clone())));
    if PageWidget::settings().is_some_and(|s| s.load_immediately) {
        page.load(false);
    } else {
        super::early_launcher::retire();
    }
    dispatcher
}

/// Reads an options argument that may hold only the boolean `key`: absent options, or
/// an absent key, mean `false`.
fn flag_option(call: &str, options: &JsValue, key: &str) -> Result<bool, String> {
    if options.is_undefined() || options.is_null() {
        return Ok(false);
    }
    if !options.is_object() || Array::is_array(options) || options.is_function() {
        return Err(format!(
            "{call}: expected an options object like {{{key}: true}}, got {}",
            describe(options)
        ));
    }
    for name in Object::keys(options.unchecked_ref::<Object>()).iter() {
        let name = name.as_string().unwrap_or_default();
        if name != key {
            return Err(format!("{call}: unknown option {name:?} (the only option is {key})"));
        }
    }
    let value = Reflect::get(options, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    if value.is_undefined() {
        return Ok(false);
    }
    value.as_bool().ok_or_else(|| {
        format!("{call}: option {key} must be true or false, got {}", describe(&value))
    })
}

fn at_most(call: &str, args: &Array, n: u32) -> Result<(), String> {
    if args.length() > n {
        let what = if n == 0 { "no arguments".to_owned() } else { format!("at most {n} argument") };
        return Err(format!("{call}: takes {what}, got {}", args.length()));
    }
    Ok(())
}

fn event_and_listener(call: &str, args: &Array) -> Result<(EventName, Function), String> {
    at_most(call, args, 2)?;
    let name = args.get(0);
    let Some(event) = name.as_string().as_deref().and_then(EventName::parse) else {
        let known: Vec<&str> = EventName::ALL.iter().map(|e| e.as_str()).collect();
        return Err(format!(
            "{call}: unknown event {} (known: {})",
            describe(&name),
            known.join(", ")
        ));
    };
    let listener = args.get(1);
    let listener = listener.dyn_into::<Function>().map_err(|value| {
        format!(
            "{call}: expected a function as the listener for {:?}, got {}",
            event.as_str(),
            describe(&value)
        )
    })?;
    Ok((event, listener))
}

/// Runs one API call. `Err` is the console message (without the `sitechat: ` prefix).
pub fn dispatch(page: &PageWidget, method: &str, args: &Array) -> Result<JsValue, String> {
    match method {
        "widget.load" => {
            at_most("widget.load(options)", args, 1)?;
            page.load(flag_option("widget.load(options)", &args.get(0), "widgetOpen")?);
        }
        "widget.open" => {
            at_most("widget.open()", args, 0)?;
            page.open();
        }
        // Not part of the API: the loader's launcher was clicked before the app was there.
        "launcher.click" => {
            at_most("launcher.click()", args, 0)?;
            page.launcher_click();
        }
        "widget.close" => {
            at_most("widget.close()", args, 0)?;
            page.close();
        }
        "widget.remove" => {
            at_most("widget.remove()", args, 0)?;
            page.remove();
        }
        "widget.refresh" => {
            at_most("widget.refresh(options)", args, 1)?;
            page.refresh(flag_option("widget.refresh(options)", &args.get(0), "openToNewThread")?);
        }
        "widget.status" => {
            at_most("widget.status()", args, 0)?;
            return Ok(page.status().to_js());
        }
        "clear" => {
            at_most("clear(options)", args, 1)?;
            page.clear(flag_option("clear(options)", &args.get(0), "resetWidget")?);
        }
        "on" => {
            let (event, listener) = event_and_listener("on(event, listener)", args)?;
            page.listeners().add(event, listener);
            return Ok(JsValue::TRUE);
        }
        "off" => {
            let (event, listener) = event_and_listener("off(event, listener)", args)?;
            page.listeners().remove(event, &listener);
        }
        other => return Err(format!("{other:?} is not a method of the API")),
    }
    Ok(JsValue::UNDEFINED)
}
