"""How one Minted call is made: the deadline, the auth flow, bounded retries of reads, and
every failure translated into our exception tree (views never see an httpx exception).

`WVH_MINTED_TIMEOUT` is a deadline for the whole call (auth round trips and a slowly
dripping body included); connecting gets half of it, so a connect failure is told
apart from a call that was sent.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import anyio
import httpx

from ..telemetry import request_id
from .envelope import read_capped, unwrap
from .errors import MintedProtocolError, MintedUnauthorized, MintedUnavailable, outcome

logger = logging.getLogger(__name__)

# observer(endpoint path, outcome label, seconds) after every attempt of a call (metrics).
CallObserver = Callable[[str, str, float], None]


async def _send_request_id(request: httpx.Request) -> None:
    """Carry the id of the request being served to Minted, so both logs can be joined."""
    current = request_id.current()
    if current is not None:
        request.headers[request_id.HEADER] = current


class _NoCookies(httpx.Cookies):
    """A jar that keeps nothing: always empty, so one instance serves every client."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None

    def set(self, name: str, value: str, domain: str = "", path: str = "/") -> None:
        raise ValueError("the Minted client keeps no cookies")


_NO_COOKIES = _NoCookies()


class _StatelessClient(httpx.AsyncClient):
    """An `httpx.AsyncClient` without a cookie jar. Minted's API is stateless, and one client
    serves every customer: a cookie that Minted or a gateway in front of it set on one
    answer must never ride along on another customer's call. (Reading every answer into
    the jar was also a tenth of a basket read's time.)"""

    @property
    def cookies(self) -> httpx.Cookies:
        return _NO_COOKIES

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        if cookies:
            raise ValueError("the Minted client keeps no cookies")


class Caller:
    """One `httpx.AsyncClient` and the rules every call follows."""

    def __init__(
        self,
        *,
        base_url: str,
        headers: Mapping[str, str],
        credentials: tuple[str, str],
        deadline: float,
        retry_backoff: float,
        transport: httpx.AsyncBaseTransport,
        observer: CallObserver | None = None,
    ) -> None:
        self._observer = observer
        self._deadline = deadline
        self._retry_backoff = retry_backoff
        self._credentials = credentials
        self._digest = httpx.DigestAuth(*credentials)
        self._http = _StatelessClient(
            base_url=base_url,
            headers=dict(headers),
            timeout=httpx.Timeout(deadline, connect=deadline / 2),
            transport=transport,
            follow_redirects=False,
            event_hooks={"request": [_send_request_id]},
        )
        # Each endpoint's absolute URL, merged with the base URL once rather than parsed
        # twice on every call (httpx's merge is a visible share of a basket read).
        self._urls: dict[str, httpx.URL] = {}

    async def aclose(self) -> None:
        await self._http.aclose()

    async def call(
        self,
        method: str,
        path: str,
        *,
        locale: str,
        auth: httpx.Auth | None = None,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        retries: int = 0,
    ) -> Any:
        """The `data` of Minted's answer; Digest unless `auth` says otherwise; a call that
        found Minted unavailable is tried again up to `retries` times."""
        attempt = 0
        while True:
            started = time.perf_counter()
            failure: BaseException | None = None
            try:
                return await self._attempt(method, path, locale, auth or self._digest, json, params)
            except BaseException as exc:
                failure = exc
                if not isinstance(exc, MintedUnavailable) or attempt >= retries:
                    raise
            finally:
                if self._observer is not None:
                    self._observer(path, outcome(failure), time.perf_counter() - started)
            attempt += 1
            logger.warning(
                "Minted %s %s unavailable, retry %d of %d",
                method,
                path,
                attempt,
                retries,
                extra={"minted_path": path, "error": str(failure)},
            )
            await asyncio.sleep(self._retry_backoff * 2 ** (attempt - 1))

    def _url(self, path: str) -> httpx.URL:
        url = self._urls.get(path)
        if url is None:
            url = self._urls[path] = self._http.build_request("GET", path).url
        return url

    async def _attempt(
        self,
        method: str,
        path: str,
        locale: str,
        auth: httpx.Auth,
        body: Any,
        params: Mapping[str, str] | None,
    ) -> Any:
        try:
            with anyio.fail_after(self._deadline):
                async with self._http.stream(
                    method,
                    self._url(path),
                    auth=auth,
                    json=body,
                    params=params,
                    headers={"Accept-Language": locale},
                ) as response:
                    content = await read_capped(response)
        except TimeoutError as exc:
            raise MintedUnavailable(
                f"Minted did not answer within the {self._deadline:g} s deadline", request_sent=True
            ) from exc
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise MintedUnavailable(
                f"Could not connect to Minted: {type(exc).__name__}", request_sent=False
            ) from exc
        except httpx.TimeoutException as exc:
            raise MintedUnavailable(
                f"Minted did not answer in time: {type(exc).__name__}", request_sent=True
            ) from exc
        except httpx.TransportError as exc:
            raise MintedUnavailable(
                f"The connection to Minted failed: {type(exc).__name__}", request_sent=True
            ) from exc
        except (NotImplementedError, ValueError, LookupError) as exc:
            # httpx.DigestAuth cannot answer a challenge that offers only qop="auth-int"
            # (NotImplementedError), and a malformed challenge or an unknown algorithm escapes
            # its parser as ValueError, KeyError or IndexError: the authenticated request
            # never left, so this is a refusal, not a lost call.
            # DigestAuth keeps the last challenge and would fail every later call without
            # asking again: start the next call from a fresh challenge.
            if auth is self._digest:
                self._digest = httpx.DigestAuth(*self._credentials)
            raise MintedUnauthorized(
                401, f"Minted's Digest challenge cannot be answered: {type(exc).__name__}"
            ) from exc
        except httpx.HTTPError as exc:
            raise MintedProtocolError(f"Minted's answer could not be read: {exc!r}") from exc
        return unwrap(response.status_code, content, response.headers.get("content-type"))
