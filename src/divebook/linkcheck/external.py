"""Ask every web address of the book once, concurrently and politely (``check --links``).

One request per address without its ``#anchor`` (deduplicated across pages
and languages), at most ``workers`` at once and ``per_host`` to one host,
where the host is the one the author wrote (a remapped address still counts
against its own site).  HEAD first, GET where HEAD is refused or fails
(many servers answer HEAD with 403, 404 or 405); redirects followed, and
reported when every hop is permanent (301, 308), with the new address.  A
``429`` pauses the whole host for its ``Retry-After``.  Timeouts, failed
connections and ``5xx`` are tried again with a doubling pause; while one
address finds out by its retries whether a host that refused a connection (or
never answered one) is down, the host's other addresses wait, and are not
asked once it is.

Good answers are cached in ``OUT/.cache/linkcheck.json`` for
``expiry_days``: a second run asks only for what failed or expired.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import httpx

from .. import __version__
from ..cache import write_atomic
from .settings import LinkSettings

OK, REDIRECTED, BROKEN, UNREACHABLE, TIMEOUT, IGNORED = (
    "ok", "redirected", "broken", "unreachable", "timeout", "ignored")
#: the order of the console's table
STATUSES = (BROKEN, UNREACHABLE, TIMEOUT, REDIRECTED, OK, IGNORED)
CACHE_FILE = "linkcheck.json"
_BODY_LIMIT = 8 * 1024 * 1024
_ANCHOR = re.compile(r"""\b(?:id|name)\s*=\s*["']?([^"'\s>]+)""", re.I)
_MAX_429 = 5


@dataclass(slots=True)
class UrlResult:
    """What asking one address (as written, anchor included) found."""

    url: str
    status: str
    code: int | None = None
    detail: str = ""
    to: str = ""  # where a permanent redirect leads
    cached: bool = False


@dataclass(slots=True)
class _Answer:
    status: str
    code: int | None = None
    detail: str = ""
    to: str = ""
    ids: frozenset[str] | None = None  # an HTML page's anchors, when asked for
    #: no connection could be made (refused, no such host, no answer to connect): the
    #: host's fault, not the address's
    host_failed: bool = False


class _Host:
    def __init__(self, limit: int) -> None:
        self.slots = asyncio.Semaphore(limit)
        self.resume_at = 0.0  # loop time before which no request starts (a 429's Retry-After)
        #: no connection could be made after every retry: what that try got (the host's
        #: other addresses are not asked again)
        self.down: _Answer | None = None
        #: set while one address finds out, by its retries, whether the host is down; the
        #: others whose connection failed wait for the verdict instead of retrying too
        self.probing: asyncio.Event | None = None


def base_of(url: str) -> str:
    """The address without its ``#anchor``: what is asked."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(fragment=""))


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (a number or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def page_ids(body: bytes) -> frozenset[str]:
    """The ``id`` and ``name`` anchors of an HTML page."""
    return frozenset(_ANCHOR.findall(body.decode("utf-8", "replace")))


class LinkCache:
    """Good answers by asked address, each with the time it was got; older than expiry: gone."""

    def __init__(self, path: Path, expiry_days: float, now: float) -> None:
        self.path = path
        self.entries: dict[str, dict] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        horizon = now - expiry_days * 86400
        if isinstance(data, dict):
            self.entries = {k: v for k, v in data.get("urls", {}).items()
                            if isinstance(v, dict) and float(v.get("at", 0)) >= horizon}

    def get(self, key: str) -> dict | None:
        return self.entries.get(key)

    def put(self, key: str, entry: dict) -> None:
        self.entries[key] = entry

    def save(self) -> None:
        data = {"divebook": __version__, "urls": dict(sorted(self.entries.items()))}
        write_atomic(self.path, (json.dumps(data, indent=0, ensure_ascii=False) + "\n").encode("utf-8"))


class Checker:
    """One run: the client, the host limits and the cache."""

    def __init__(self, settings: LinkSettings, client: httpx.AsyncClient, cache: LinkCache | None,
                 now: float) -> None:
        self.settings = settings
        self.client = client
        self.cache = cache
        self.now = now
        self.all = asyncio.Semaphore(settings.workers)
        self.hosts: dict[str, _Host] = {}
        self.asked = 0  # requests made (for the summary and the tests)

    def host(self, url: str) -> _Host:
        name = (urlsplit(url).hostname or "").lower()
        found = self.hosts.get(name)
        if found is None:
            found = self.hosts[name] = _Host(self.settings.limit_for(name))
        return found

    async def check(self, urls: list[str], anchors: bool) -> list[UrlResult]:
        """Every address of ``urls`` (as written), each base asked once."""
        by_base: dict[str, list[str]] = {}
        results: dict[str, UrlResult] = {}
        for url in urls:
            if self.settings.ignored(url):
                results[url] = UrlResult(url, IGNORED, detail="matches [linkcheck] ignore")
                continue
            try:
                by_base.setdefault(base_of(url), []).append(url)
            except ValueError as exc:  # "http://[x": nothing to ask
                results[url] = UrlResult(url, BROKEN, detail=f"not a valid address ({exc})")
        done = await asyncio.gather(*(self._check_base(base, written, anchors)
                                      for base, written in by_base.items()))
        for group in done:
            for result in group:
                results[result.url] = result
        return [results[url] for url in urls]

    async def _check_base(self, base: str, written: list[str], anchors: bool) -> list[UrlResult]:
        asked = self.settings.remapped(base)
        wanted = {url: unquote(urlsplit(url).fragment) for url in written}
        if anchors:
            wanted = {u: a for u, a in wanted.items()
                      if not any(p.search(a) for p in self.settings.anchors_ignore)}
        else:
            wanted = {}
        need = {u: a for u, a in wanted.items() if a and not self._cached(f"{asked}#{a}")}
        cached = self._cached(asked)
        if cached is not None and not need:
            return [self._anchor_result(url, asked, wanted.get(url, ""), _Answer(
                cached["status"], cached.get("code"), cached.get("detail", ""), cached.get("to", "")),
                from_cache=True) for url in written]
        answer = await self._probe(asked, self.host(base), need_body=bool(need))
        if self.cache is not None and answer.status in (OK, REDIRECTED):
            self.cache.put(asked, {"status": answer.status, "code": answer.code, "to": answer.to,
                                   "detail": answer.detail, "at": self.now})
        return [self._anchor_result(url, asked, wanted.get(url, ""), answer) for url in written]

    def _cached(self, key: str) -> dict | None:
        return self.cache.get(key) if self.cache is not None else None

    def _anchor_result(self, url: str, asked: str, anchor: str, answer: _Answer,
                       from_cache: bool = False) -> UrlResult:
        result = UrlResult(url, answer.status, answer.code, answer.detail, answer.to, from_cache)
        if not anchor or answer.status not in (OK, REDIRECTED):
            return result
        key = f"{asked}#{anchor}"
        if self._cached(key) is not None or from_cache:
            return result  # this anchor was found before
        # not an HTML page (a PDF's #page=3): nothing to look into; or the anchor is there
        # (GitHub prefixes the ids of a rendered file with `user-content-`)
        if answer.ids is None or anchor in answer.ids or f"user-content-{anchor}" in answer.ids:
            if self.cache is not None:
                self.cache.put(key, {"status": OK, "at": self.now})
            return result
        result.status, result.detail = BROKEN, f"the page has no anchor `#{anchor}`"
        return result

    async def _probe(self, url: str, host: _Host, need_body: bool) -> _Answer:
        verdict: list[asyncio.Event] = []  # the event this address set up, if it is the prober
        try:
            return await self._try(url, host, need_body, verdict)
        finally:
            if verdict:
                host.probing = None
                verdict[0].set()

    async def _try(self, url: str, host: _Host, need_body: bool, verdict: list[asyncio.Event]) -> _Answer:
        s = self.settings
        tries = rate_limited = 0
        loop = asyncio.get_running_loop()
        while True:
            if not verdict and host.probing is not None:  # another address is finding out
                await host.probing.wait()
            if host.down is not None:
                return _Answer(host.down.status, detail=f"{host.down.detail} (the host could not be "
                               "reached for another of its addresses; not asked again)")
            async with host.slots, self.all:
                if not verdict and host.probing is not None:
                    continue  # the host failed while this one waited for a slot: the verdict first
                pause = host.resume_at - loop.time()
                if pause > 0:
                    await asyncio.sleep(pause)
                try:
                    # httpx times each phase; this bounds the whole try (a page that trickles in)
                    answer, wait = await asyncio.wait_for(self._ask(url, need_body),
                                                          2 * s.timeout if s.timeout else None)
                except httpx.ConnectTimeout:
                    answer, wait = _Answer(TIMEOUT, detail=f"no connection within {s.timeout:g} s",
                                           host_failed=True), None
                except (httpx.TimeoutException, asyncio.TimeoutError):
                    answer, wait = _Answer(TIMEOUT, detail=f"no answer within {s.timeout:g} s"), None
                except httpx.TooManyRedirects:
                    return _Answer(BROKEN, detail="more than 10 redirects")
                except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
                    return _Answer(BROKEN, detail=f"not an address that can be asked ({exc})")
                except httpx.TransportError as exc:
                    answer, wait = _Answer(UNREACHABLE, detail=_describe(exc),
                                           host_failed=isinstance(exc, httpx.ConnectError)), None
                except Exception as exc:  # noqa: BLE001  (a port past 65535 and such: the address)
                    exc = _leaf(exc)
                    return _Answer(BROKEN, detail=f"cannot be asked ({type(exc).__name__}: {exc})")
            if answer.code == 429:
                rate_limited += 1
                pause_for = wait if wait is not None else s.backoff * 2 ** rate_limited
                if pause_for > s.max_retry_after or rate_limited > _MAX_429:
                    return _Answer(TIMEOUT, 429, f"rate limited (429), asked to wait {pause_for:g} s")
                host.resume_at = max(host.resume_at, loop.time() + pause_for)
                continue
            retry = answer.status in (TIMEOUT, UNREACHABLE) or (answer.code or 0) >= 500
            if not retry:
                return answer
            tries += 1
            if answer.host_failed:  # one address finds out whether the host is down
                if host.down is not None:
                    return answer
                if not verdict and host.probing is not None:  # another address is finding out
                    await host.probing.wait()
                    if host.down is not None:
                        return answer
                elif not verdict:
                    host.probing = asyncio.Event()
                    verdict.append(host.probing)
                if tries > s.retries:
                    if verdict:
                        host.down = answer
                    return answer
            if tries > s.retries:
                return answer
            await asyncio.sleep(s.backoff * 2 ** (tries - 1))

    async def _ask(self, url: str, need_body: bool) -> tuple[_Answer, float | None]:
        """One try: HEAD, then GET where HEAD was refused (or a body is needed)."""
        if not need_body:
            self.asked += 1
            try:
                response = await self.client.head(url, follow_redirects=True)
            except (httpx.RemoteProtocolError, httpx.ReadError):
                response = None  # a server that drops HEAD: ask with GET
            if response is not None and (response.status_code < 400 or response.status_code == 429):
                return self._answer(response, None), _retry_after(response, self.now)
        self.asked += 1
        async with self.client.stream("GET", url, follow_redirects=True) as response:
            body = None
            if need_body and response.status_code < 400 and \
                    "html" in response.headers.get("content-type", "html"):
                chunks, size = [], 0
                async for chunk in response.aiter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > _BODY_LIMIT:
                        break
                body = b"".join(chunks)
            return self._answer(response, body), _retry_after(response, self.now)

    @staticmethod
    def _answer(response: httpx.Response, body: bytes | None) -> _Answer:
        code = response.status_code
        ids = page_ids(body) if body is not None else None
        if code >= 400:
            return _Answer(BROKEN, code, f"{code} {response.reason_phrase}".strip())
        history = response.history
        if history and all(r.status_code in (301, 308) for r in history):
            return _Answer(REDIRECTED, history[0].status_code,
                           f"moved permanently ({' -> '.join(str(r.status_code) for r in history)})",
                           str(response.url), ids)
        return _Answer(OK, code, ids=ids)


def _retry_after(response: httpx.Response, now: float) -> float | None:
    return retry_after(response.headers.get("retry-after"), now) if response.status_code == 429 else None


def _leaf(exc: BaseException) -> BaseException:
    """The first error inside an exception group (anyio wraps a failed connect in one)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def _describe(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {text}"
    return f"{type(exc).__name__}: {text}"


def check_urls(urls: list[str], settings: LinkSettings, cache_dir: Path | None,
               anchors: bool = False, now: float | None = None) -> tuple[list[UrlResult], int]:
    """Ask every address of ``urls``; the results in the same order, and how many requests went out."""
    now = time.time() if now is None else now
    cache = LinkCache(cache_dir / CACHE_FILE, settings.expiry_days, now) if cache_dir is not None else None

    async def run() -> tuple[list[UrlResult], int]:
        limits = httpx.Limits(max_connections=settings.workers, max_keepalive_connections=settings.workers)
        timeout = httpx.Timeout(settings.timeout or None)
        headers = {"User-Agent": f"divebook-linkcheck/{__version__}", "Accept": "*/*"}
        async with httpx.AsyncClient(limits=limits, timeout=timeout, headers=headers) as client:
            checker = Checker(settings, client, cache, now)
            results = await checker.check(urls, anchors)
            return results, checker.asked

    results, asked = asyncio.run(run())
    if cache is not None:
        cache.save()
    return results, asked


__all__ = ["UrlResult", "check_urls", "STATUSES", "asdict"]
