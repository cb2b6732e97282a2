"""The customer archive 客户档案 (CUS-*)."""
