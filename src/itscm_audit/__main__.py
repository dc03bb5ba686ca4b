from itscm_audit.cli import main

main()
