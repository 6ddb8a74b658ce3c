"""HTTP views of the account register: the list and exports, one account, imports."""
