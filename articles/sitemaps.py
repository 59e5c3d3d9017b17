# Scaffolding: replaced by the sitemaps work.
sitemaps: dict = {}
news_sitemaps: dict = {}
