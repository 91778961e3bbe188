"""Pelican settings for the benchmark: the pages brief makes for the same corpus, no plugins.

Copied beside the generated content by bench/run.py. Articles, tag (topic) pages, a
paginated index, archives and Atom feeds; author pages are off, since the
corpus has one author. Pelican's content cache is on, so its rebuilds get every advantage.
"""

AUTHOR = "Benchmark"
SITENAME = "Benchmark briefing"
SITEURL = "https://example.org"
PATH = "content"
THEME = "theme"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 25

ARTICLE_URL = "articles/{slug}/"
ARTICLE_SAVE_AS = "articles/{slug}/index.html"
TAG_URL = "topics/{slug}/"
TAG_SAVE_AS = "topics/{slug}/index.html"
TAGS_SAVE_AS = "topics/index.html"
ARCHIVES_SAVE_AS = "archive/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
DEFAULT_CATEGORY = "News"
CATEGORIES_SAVE_AS = ""

FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feed.xml"
TAG_FEED_ATOM = "topics/{slug}/feed.xml"
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 50

CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
