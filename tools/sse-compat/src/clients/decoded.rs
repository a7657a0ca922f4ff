//! Record lines from a [`Decoder`]: the events it decoded, stopping at `done`.

use sse_core::{Decoded, Decoder};

use crate::record;

/// Takes the decoder's queued events into `lines`; `Ok(true)` once the `done` event
/// was taken (events queued after it are left). A decoder limit error fails.
pub fn drain(decoder: &mut Decoder, lines: &mut Vec<String>) -> Result<bool, String> {
    while let Some(item) = decoder.next_item() {
        let item = item.map_err(|e| format!("decoder: {e:?}"))?;
        if let Decoded::Event(event) = item
            && record::push(
                lines,
                event.event_type(),
                event.data(),
                event.last_event_id().as_str(),
            )
        {
            return Ok(true);
        }
    }
    Ok(false)
}
