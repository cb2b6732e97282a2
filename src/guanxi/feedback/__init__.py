"""The three activity forms of 000 附表一–三 and their sign-off chain (ACT-1..3, ACT-5)."""
