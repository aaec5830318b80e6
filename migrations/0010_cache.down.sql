-- Reverts 0010 cache (its entries are lost, as a cache's may be).
DROP TABLE cache_entries;
