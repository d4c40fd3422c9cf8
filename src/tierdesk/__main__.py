from tierdesk.entrypoints.cli import main

main()
