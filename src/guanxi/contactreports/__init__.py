"""Contact reports 接触报告 (ACT-4; 003 附表6 note) and the customer's next contact date.

Every contact with a customer's key person — a letter, a call, a meeting, a message, a visit —
gets a short report that reaches the customer's manager. The annual customer plan counts its
contacts made from these reports (guanxi.keycustomers.selectors.contact_rows).
"""
