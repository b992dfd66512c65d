"""The spoken version of a public bulletin, for listening on the portal.

A bulletin's audio (its speech render, :attr:`Bulletin.audio_render`) is served to the public only when it
reads **the live revision**: the render is finished, has its MP3, and was made from exactly the text the
public reads (title, summary and body text of the live revision, joined as content's
:func:`~nguon.content.services.renditions.spoken_text` joins them). During a correction the bulletin's
render follows the working text, so the old audio disappears from the portal instead of reading text the
public cannot see. Translations have no audio.

Staff reach renders through ``speech:file`` (signed in); the portal serves the MP3 itself at
``portal:audio`` for public bulletins only.
"""

from __future__ import annotations

from collections.abc import Iterable

from nguon.content.models import Bulletin
from nguon.content.services.renditions import spoken_text
from nguon.portal.selectors import PublicItem
from nguon.speech.choices import RenderStatus
from nguon.speech.models import AudioRender


def _live_text(item: PublicItem) -> str:
    return spoken_text(Bulletin(title=item.title, summary=item.summary, body_text=item.body_text))


def public_renders(items: Iterable[PublicItem]) -> dict[int, AudioRender]:
    """The renders that read the live text of ``items``, by bulletin id (one query)."""
    originals = {i.bulletin_id: i for i in items if not i.is_translation}
    if not originals:
        return {}
    rows = Bulletin.objects.filter(pk__in=list(originals), audio_render__isnull=False).select_related(
        "audio_render"
    )
    found: dict[int, AudioRender] = {}
    for bulletin in rows:
        render = bulletin.audio_render
        if render is None or render.status != RenderStatus.DONE or not render.mp3:
            continue
        if render.source_text == _live_text(originals[bulletin.pk]):
            found[bulletin.pk] = render
    return found
