"""The front door: ``concernshare serve`` receives sealed messages as CloudEvents over HTTP(S).

Needs the ``serve`` extra: ``pip install 'concernshare[serve]'``.
:mod:`concernshare.serve.config` reads the configuration,
:mod:`concernshare.serve.app` is the ASGI application (Starlette),
:mod:`concernshare.serve.inbox` the read-only inbox page,
:mod:`concernshare.serve.problems` the problem documents (RFC 9457) and
:mod:`concernshare.serve.run` builds the application and serves it with uvicorn.
"""
