"""The service's own copies of images: safe decoding, responsive variants, a content-addressed
store and the signed `/media/...` route that serves it."""

from media.limits import ImageLimits
from media.routes import media_router
from media.service import MediaService, build_media_service
from media.signing import MediaSigner
from media.store import FileMediaStore, MediaStore, StoredObject

__all__ = [
    "FileMediaStore",
    "ImageLimits",
    "MediaService",
    "MediaSigner",
    "MediaStore",
    "StoredObject",
    "build_media_service",
    "media_router",
]
