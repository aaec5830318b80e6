DROP TABLE configs;
DROP TABLE config_heads;
