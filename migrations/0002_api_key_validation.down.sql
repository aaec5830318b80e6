-- Reverts 0002 API key validation.
DROP TABLE api_key_rate_windows;
DROP TABLE api_key_retired_hashes;
DROP INDEX api_keys_create_request_id_key;
ALTER TABLE api_keys
    DROP CONSTRAINT api_keys_create_request_id_length,
    DROP CONSTRAINT api_keys_remaining_uses_non_negative,
    DROP COLUMN create_request_id,
    DROP COLUMN remaining_uses;
