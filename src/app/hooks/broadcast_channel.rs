//! Messages between the tabs and windows of the origin, over a `BroadcastChannel`.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// How [`use_broadcast_channel`] behaves.
#[derive(Clone)]
pub struct UseBroadcastChannelOptions {
    /// Called with the text of each message another tab posts (never with this tab's own).
    /// Default: nothing is done.
    pub on_message: Rc<dyn Fn(String)>,
}

impl Default for UseBroadcastChannelOptions {
    fn default() -> Self {
        UseBroadcastChannelOptions {
            on_message: Rc::new(|_| {}),
        }
    }
}

/// What [`use_broadcast_channel`] returns: the open channel, closed when dropped.
pub struct UseBroadcastChannel {
    /// `None` where the browser has no `BroadcastChannel` (then posting does nothing).
    channel: Option<web_sys::BroadcastChannel>,
    _listener: Option<Closure<dyn FnMut(web_sys::MessageEvent)>>,
}

impl UseBroadcastChannel {
    /// Tells every other tab on the channel `text`. A message the browser refuses is dropped:
    /// the other tabs then miss one update, which the next one brings.
    pub fn post(&self, text: &str) {
        if let Some(channel) = &self.channel {
            let _ = channel.post_message(&text.into());
        }
    }
}

impl Drop for UseBroadcastChannel {
    fn drop(&mut self) {
        if let Some(channel) = &self.channel {
            channel.set_onmessage(None);
            channel.close();
        }
    }
}

/// Joins the channel called `name`; see [`UseBroadcastChannelOptions`].
pub fn use_broadcast_channel(
    name: &str,
    options: UseBroadcastChannelOptions,
) -> UseBroadcastChannel {
    let Ok(channel) = web_sys::BroadcastChannel::new(name) else {
        return UseBroadcastChannel {
            channel: None,
            _listener: None,
        };
    };
    let on_message = options.on_message;
    let listener =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(text) = event.data().as_string() {
                on_message(text);
            }
        });
    channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
    UseBroadcastChannel {
        channel: Some(channel),
        _listener: Some(listener),
    }
}
